/* chase [MIB [STEPS]]: a pointer chase over MIB MiB (default 16), one pointer
 * per 4 KiB page: the pages form a single random cycle (Sattolo's algorithm,
 * drawn from a fixed xorshift64 seed), each page holding the index of the next
 * one at an offset that varies with the page. Walks STEPS steps (default
 * 20000) from page 0 and prints the pages, the steps and a checksum of the
 * visited indices. Every step touches a new page, so with an ExCache smaller
 * than MIB nearly every step is a remote miss: the memory system's latency
 * benchmark (lego bench memory). Output depends only on the arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <inttypes.h>

#define PAGE 4096

static uint64_t state = 0x9E3779B97F4A7C15ULL;

static uint64_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static long parse(const char *text, const char *what)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*end != '\0' || value < 1) {
        fprintf(stderr, "chase: %s must be a positive integer, got '%s'\n", what, text);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv)
{
    long mib = argc > 1 ? parse(argv[1], "MIB") : 16;
    long steps = argc > 2 ? parse(argv[2], "STEPS") : 20000;
    size_t pages = (size_t)mib * (1024 * 1024 / PAGE);
    unsigned char *memory = malloc(pages * PAGE);
    uint32_t *order = malloc(pages * sizeof(uint32_t));
    if (memory == NULL || order == NULL) {
        fprintf(stderr, "chase: out of memory for %ld MiB\n", mib);
        return 1;
    }
    for (size_t i = 0; i < pages; i++) {
        order[i] = (uint32_t)i;
    }
    for (size_t i = pages - 1; i > 0; i--) {      /* Sattolo: one cycle through every page */
        size_t j = (size_t)(next_random() % i);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < pages; i++) {          /* page order[i] points to page order[i + 1] */
        uint32_t from = order[i];
        uint32_t to = order[(i + 1) % pages];
        *(uint32_t *)(memory + (size_t)from * PAGE + (from % 512) * 8) = to;
    }
    free(order);
    uint64_t checksum = 0;
    uint32_t at = 0;
    for (long s = 0; s < steps; s++) {
        at = *(uint32_t *)(memory + (size_t)at * PAGE + (at % 512) * 8);
        checksum = checksum * 31 + at;
    }
    printf("chase: %zu pages, %ld steps, checksum %016" PRIx64 "\n", pages, steps, checksum);
    return 0;
}
