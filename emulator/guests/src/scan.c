/*
 * scan MIB STRIDE PASSES: a page scan for the ExCache prefetcher (lego run --excache-prefetch).
 *
 * Fills a malloc'd buffer of MIB MiB (one word per 64 bytes, so every page is dirty and its first
 * miss on a small ExCache is a zero-fill, its later ones remote fetches), then makes PASSES read
 * passes over it, visiting pages in strided order: 0, STRIDE, 2*STRIDE, ... then 1, 1+STRIDE, ...
 * (STRIDE 1 is a plain sequential scan). Each visit sums the page's 64 words at 64-byte steps.
 * Prints one FNV-1a checksum per pass and a final line; output depends only on the arguments.
 * Exits 2 on bad arguments, 1 when out of memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096
#define STEP 64

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: scan MIB STRIDE PASSES\n");
        return 2;
    }
    long mib = atol(argv[1]);
    long stride = atol(argv[2]);
    long passes = atol(argv[3]);
    if (mib < 1 || mib > 1024 || stride < 1 || passes < 1) {
        fprintf(stderr, "scan: MIB must be 1 to 1024, STRIDE and PASSES positive\n");
        return 2;
    }
    long pages = mib * 256;
    if (stride > pages) {
        stride = pages;
    }
    unsigned char *buf = malloc((size_t)pages * PAGE);
    if (buf == NULL) {
        fprintf(stderr, "scan: out of memory\n");
        return 1;
    }
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (long p = 0; p < pages; p++) {
        for (int o = 0; o < PAGE; o += STEP) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *(uint64_t *)(buf + p * PAGE + o) = x;
        }
    }
    uint64_t total = 1469598103934665603ull;
    for (long pass = 0; pass < passes; pass++) {
        uint64_t h = 1469598103934665603ull;
        long visits = 0;
        for (long start = 0; start < stride; start++) {
            for (long p = start; p < pages; p += stride) {
                uint64_t sum = 0;
                for (int o = 0; o < PAGE; o += STEP) {
                    sum += *(uint64_t *)(buf + p * PAGE + o);
                }
                h = (h ^ sum ^ (uint64_t)p) * 1099511628211ull;
                visits++;
            }
        }
        printf("pass %ld: %ld pages, checksum %016llx\n", pass, visits, (unsigned long long)h);
        total = (total ^ h) * 1099511628211ull;
    }
    printf("scan %ld MiB stride %ld passes %ld: %016llx\n", mib, stride, passes, (unsigned long long)total);
    free(buf);
    return 0;
}
