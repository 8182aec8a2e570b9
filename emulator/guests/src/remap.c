/* remap: mremap(2) growing in place, moving (MREMAP_MAYMOVE when the pages
 * after are taken, MREMAP_FIXED), shrinking, its errors, and glibc realloc of
 * large (mmapped) blocks, which uses mremap. Prints only what does not depend
 * on the address-space layout: contents, errnos, and whether a move happened
 * where it must. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096

static unsigned long sum(const unsigned char *p, size_t n)
{
    unsigned long s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

static void fill(unsigned char *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + seed);
}

int main(void)
{
    /* a 3-page mapping followed by a hole: grow it to 5 pages */
    unsigned char *a = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(a + 3 * PAGE, 5 * PAGE);
    fill(a, 3 * PAGE, 1);
    unsigned long before = sum(a, 3 * PAGE);
    unsigned char *b = mremap(a, 3 * PAGE, 5 * PAGE, MREMAP_MAYMOVE);
    printf("grow: %s, contents %s, new tail zero %d\n", b == MAP_FAILED ? strerror(errno) : "ok",
           sum(b, 3 * PAGE) == before ? "kept" : "LOST", b[4 * PAGE + 17] == 0);
    b[5 * PAGE - 1] = 0x5a;

    /* a neighbour right after: growing must move */
    unsigned char *wall = mmap(b + 5 * PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    before = sum(b, 5 * PAGE);
    errno = 0;
    unsigned char *no = mremap(b, 5 * PAGE, 9 * PAGE, 0);
    printf("grow without MAYMOVE past a neighbour: %s\n", no == MAP_FAILED ? strerror(errno) : "unexpected success");
    unsigned char *c = mremap(b, 5 * PAGE, 9 * PAGE, MREMAP_MAYMOVE);
    printf("move: %s, moved %d, contents %s, last byte 0x%x\n", c == MAP_FAILED ? strerror(errno) : "ok",
           wall != MAP_FAILED ? c != b : 1, sum(c, 5 * PAGE) == before ? "kept" : "LOST", c[5 * PAGE - 1]);
    printf("old range unmapped: %d\n", mremap(b, PAGE, PAGE, 0) == MAP_FAILED && errno == EFAULT);

    /* shrink, then a fixed move */
    unsigned char *d = mremap(c, 9 * PAGE, 2 * PAGE, 0);
    printf("shrink: %s, contents %s\n", d == c ? "in place" : "moved?!", sum(d, 2 * PAGE) == sum(c, 2 * PAGE) ? "kept" : "LOST");
    unsigned char *target = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    before = sum(d, 2 * PAGE);
    unsigned char *e = mremap(d, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target + PAGE);
    printf("fixed: %s, at target %d, contents %s\n", e == MAP_FAILED ? strerror(errno) : "ok", e == target + PAGE,
           sum(e, 2 * PAGE) == before ? "kept" : "LOST");

    /* errors */
    errno = 0;
    printf("unaligned: %s\n", mremap(e + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? strerror(errno) : "ok?!");
    errno = 0;
    printf("fixed without maymove: %s\n", mremap(e, PAGE, PAGE, MREMAP_FIXED, target) == MAP_FAILED ? strerror(errno) : "ok?!");

    /* realloc of a large block */
    size_t n = 1 << 20;
    unsigned char *big = malloc(n);
    fill(big, n, 3);
    before = sum(big, n);
    for (int i = 0; i < 3; i++) {
        n *= 2;
        big = realloc(big, n);
        if (!big) {
            printf("realloc failed\n");
            return 1;
        }
        memset(big + n / 2, i, n / 2);
    }
    printf("realloc to %zu MiB: first MiB %s\n", n >> 20, sum(big, 1 << 20) == before ? "kept" : "LOST");
    free(big);
    return 0;
}
