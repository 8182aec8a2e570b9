/* mmapscan FILE [private|shared]: maps FILE read-only with mmap(2)
 * (MAP_PRIVATE by default, MAP_SHARED on request), scans it once and prints
 * its size, the number of newline bytes and an FNV-1a-style 64-bit checksum.
 * The mapped-file benchmark of `lego bench files`. Exits 1 with a message when
 * the file cannot be opened or mapped. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mmapscan FILE [private|shared]\n");
        return 2;
    }
    int shared = argc > 2 && strcmp(argv[2], "shared") == 0;
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "mmapscan: cannot open '%s'\n", argv[1]);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    uint64_t sum = 1469598103934665603ULL, lines = 0;
    if (size > 0) {
        const unsigned char *p = mmap(NULL, size, PROT_READ, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            perror("mmapscan: mmap");
            return 1;
        }
        size_t i = 0;
        for (; i + 8 <= size; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            sum = (sum ^ w) * 1099511628211ULL;
            /* count '\n' bytes in w (SWAR) */
            uint64_t x = w ^ 0x0a0a0a0a0a0a0a0aULL;
            x = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
            lines += (uint64_t)__builtin_popcountll(x);
        }
        for (; i < size; i++) {
            sum = (sum ^ p[i]) * 1099511628211ULL;
            lines += p[i] == '\n';
        }
        munmap((void *)p, size);
    }
    close(fd);
    printf("bytes %llu newlines %llu checksum %016llx\n", (unsigned long long)size, (unsigned long long)lines,
           (unsigned long long)sum);
    return 0;
}
