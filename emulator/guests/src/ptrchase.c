/* ptrchase [MIB [STEPS [SEED]]]: a dependent pointer chase, the access pattern
 * that defeats any cache smaller than its working set. Mallocs MIB MiB
 * (default 16; glibc serves it with mmap), links one node per 4 KiB page into
 * a single random cycle (Sattolo's shuffle driven by a splitmix64 generator
 * seeded with SEED, default 1; each node at an offset within its page that
 * varies with the page, so successive nodes land in different cache sets of a
 * host cache too), then follows the cycle for STEPS steps (default 20000),
 * each load depending on the one before. Prints the page count, the steps and
 * a checksum of the visited page indices. Every page is written once while the
 * cycle is built; the chase only reads. */
#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>

#define PAGE 4096u

static uint64_t state;

static uint64_t next_random(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static long parse(const char *what, const char *text, long min)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end != '\0' || v < min) {
        fprintf(stderr, "ptrchase: %s must be an integer >= %ld, got '%s'\n", what, min, text);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    long mib = argc > 1 ? parse("MIB", argv[1], 1) : 16;
    long steps = argc > 2 ? parse("STEPS", argv[2], 0) : 20000;
    state = argc > 3 ? (uint64_t)parse("SEED", argv[3], 0) : 1;
    size_t pages = ((size_t)mib << 20) / PAGE;

    unsigned char *base = malloc(pages * PAGE);
    uint32_t *order = malloc(pages * sizeof *order);
    if (!base || !order) {
        fprintf(stderr, "ptrchase: out of memory for %ld MiB\n", mib);
        return 1;
    }
    for (size_t i = 0; i < pages; i++)
        order[i] = (uint32_t)i;
    /* Sattolo: a uniformly random permutation that is one single cycle. */
    for (size_t i = pages - 1; i > 0; i--) {
        size_t j = (size_t)(next_random() % i);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* order[] as a cycle: page p's node points at page order[p]'s node. */
    for (size_t p = 0; p < pages; p++) {
        size_t to = order[p];
        void **node = (void **)(base + p * PAGE + (p * 64) % PAGE);
        *node = base + to * PAGE + (to * 64) % PAGE;
    }
    free(order);

    void **at = (void **)(base + 0);
    uint64_t h = 1469598103934665603ULL;
    for (long s = 0; s < steps; s++) {
        at = (void **)*at;
        h = (h ^ (uint64_t)(((unsigned char *)at - base) / PAGE)) * 1099511628211ULL;
    }
    printf("ptrchase: %zu pages, %ld steps, at page %zu, checksum %016" PRIx64 "\n", pages, steps,
           (size_t)(((unsigned char *)at - base) / PAGE), h);
    return 0;
}
