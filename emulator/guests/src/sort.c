/* sort N [SEED]: generates N pseudo-random 64-bit keys (xorshift64, seed
 * default 42), sorts a copy with qsort and another with a hand-written merge
 * sort, checks that both agree and are ordered, and prints N, an FNV-1a
 * checksum over the sorted keys, min, median (element N/2) and max.
 *
 * sort -f FILE: sorts the lines of FILE with strcmp (like LC_ALL=C sort)
 * and prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "sort: out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Bottom-up merge sort using a scratch buffer of the same size. */
static void merge_sort(uint64_t *a, size_t n)
{
    uint64_t *tmp = xmalloc(n * sizeof *tmp);
    uint64_t *src = a, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
    free(tmp);
}

static int sort_numbers(const char *nstr, const char *seedstr)
{
    char *end;
    long n = strtol(nstr, &end, 10);
    if (*end != '\0' || n < 1) {
        fprintf(stderr, "sort: N must be a positive integer, got '%s'\n", nstr);
        return 2;
    }
    uint64_t seed = 42;
    if (seedstr) {
        seed = strtoull(seedstr, &end, 10);
        if (*end != '\0') {
            fprintf(stderr, "sort: bad seed '%s'\n", seedstr);
            return 2;
        }
    }
    uint64_t state = seed ? seed : 0x9E3779B97F4A7C15ULL; /* xorshift must not start at 0 */

    size_t cnt = (size_t)n;
    uint64_t *a = xmalloc(cnt * sizeof *a);
    uint64_t *b = xmalloc(cnt * sizeof *b);
    for (size_t i = 0; i < cnt; i++)
        a[i] = b[i] = xorshift64(&state);

    qsort(a, cnt, sizeof *a, cmp_u64);
    merge_sort(b, cnt);

    for (size_t i = 0; i < cnt; i++) {
        if (a[i] != b[i]) {
            fprintf(stderr, "sort: MISMATCH at %zu: qsort %" PRIu64 " merge %" PRIu64 "\n", i, a[i], b[i]);
            return 1;
        }
        if (i > 0 && a[i - 1] > a[i]) {
            fprintf(stderr, "sort: NOT ORDERED at %zu\n", i);
            return 1;
        }
    }

    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < cnt; i++)
        for (int byte = 0; byte < 8; byte++) {
            h ^= (a[i] >> (8 * byte)) & 0xff;
            h *= 1099511628211ULL;
        }

    printf("n        = %zu\n", cnt);
    printf("seed     = %" PRIu64 "\n", seed);
    printf("checksum = %016" PRIx64 "\n", h);
    printf("min      = %" PRIu64 "\n", a[0]);
    printf("median   = %" PRIu64 "\n", a[cnt / 2]);
    printf("max      = %" PRIu64 "\n", a[cnt - 1]);
    printf("qsort and merge sort agree: OK\n");
    free(a);
    free(b);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int sort_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "sort: cannot open '%s'\n", path);
        return 1;
    }
    size_t cap = 65536, len = 0, got;
    char *data = xmalloc(cap + 1);
    while ((got = fread(data + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            char *nd = realloc(data, cap + 1);
            if (!nd) {
                fprintf(stderr, "sort: out of memory\n");
                return 1;
            }
            data = nd;
        }
    }
    fclose(f);
    data[len] = '\0';

    size_t nlines = 0;
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n')
            nlines++;
    if (len > 0 && data[len - 1] != '\n')
        nlines++;              /* last line without newline */

    char **lines = xmalloc(nlines * sizeof *lines);
    size_t k = 0;
    char *p = data, *endp = data + len;
    while (p < endp) {
        char *nl = memchr(p, '\n', (size_t)(endp - p));
        lines[k++] = p;
        if (!nl)
            break;             /* data[len] is already NUL */
        *nl = '\0';
        p = nl + 1;
    }

    qsort(lines, k, sizeof *lines, cmp_str);
    for (size_t i = 0; i < k; i++) {
        fputs(lines[i], stdout);
        putchar('\n');
    }
    free(lines);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "-f") == 0)
        return sort_file(argv[2]);
    if (argc >= 2 && argc <= 3 && strcmp(argv[1], "-f") != 0)
        return sort_numbers(argv[1], argc == 3 ? argv[2] : NULL);
    fprintf(stderr, "usage: sort N [SEED]\n       sort -f FILE\n");
    return 2;
}
