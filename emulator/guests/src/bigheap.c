/* bigheap [MIB [STRIDE_KIB]]: mallocs MIB MiB (default 1536, i.e. more than one
 * 1 GiB region; glibc serves it with mmap), writes one 8-byte value every
 * STRIDE_KIB KiB (default 1024) derived from the offset index, reads them all
 * back, verifies them and prints the number of touched pages and a checksum.
 * Only the touched pages become resident, so the host footprint stays small
 * while the guest virtual memory spans several memory components. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static uint64_t value_for(uint64_t idx)
{
    /* splitmix64 finaliser: deterministic, distinct per index */
    uint64_t z = idx + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
    long mib = 1536, stride_kib = 1024;
    char *end;
    if (argc > 1) {
        mib = strtol(argv[1], &end, 10);
        if (*end != '\0' || mib < 1) {
            fprintf(stderr, "bigheap: MIB must be a positive integer, got '%s'\n", argv[1]);
            return 2;
        }
    }
    if (argc > 2) {
        stride_kib = strtol(argv[2], &end, 10);
        if (*end != '\0' || stride_kib < 4) {
            fprintf(stderr, "bigheap: STRIDE_KIB must be >= 4, got '%s'\n", argv[2]);
            return 2;
        }
    }
    size_t size = (size_t)mib << 20;
    size_t stride = (size_t)stride_kib << 10;

    volatile unsigned char *p = malloc(size);
    if (!p) {
        fprintf(stderr, "bigheap: malloc(%zu) failed\n", size);
        return 1;
    }
    printf("bigheap: allocated %ld MiB, stride %ld KiB\n", mib, stride_kib);

    /* Write an 8-byte value at each touched offset (byte-wise, so alignment
     * does not matter for any stride). */
    uint64_t touched = 0;
    for (size_t off = 0; off + 8 <= size; off += stride, touched++) {
        uint64_t v = value_for(touched);
        for (int b = 0; b < 8; b++)
            p[off + b] = (unsigned char)(v >> (8 * b));
    }

    uint64_t h = 1469598103934665603ULL, idx = 0, bad = 0;
    for (size_t off = 0; off + 8 <= size; off += stride, idx++) {
        uint64_t v = 0;
        for (int b = 0; b < 8; b++)
            v |= (uint64_t)p[off + b] << (8 * b);
        if (v != value_for(idx)) {
            if (bad < 5)
                fprintf(stderr, "bigheap: MISMATCH at offset %zu\n", off);
            bad++;
        }
        h ^= v;
        h *= 1099511628211ULL;
    }
    if (bad) {
        fprintf(stderr, "bigheap: %" PRIu64 " mismatches\n", bad);
        return 1;
    }
    printf("bigheap: touched pages = %" PRIu64 "\n", touched);
    printf("bigheap: checksum      = %016" PRIx64 "\n", h);
    printf("bigheap: verify OK\n");
    free((void *)p);
    return 0;
}
