/*
 * spanwait [MIB [REGIONS]] (defaults 4 MiB, 4 regions): maps REGIONS anonymous read-write regions of MIB MiB, the
 * k-th at k GiB (k = 1..REGIONS, MAP_FIXED_NOREPLACE), so the process's memory spans REGIONS + 2 vRegions of 1 GiB
 * (the regions, plus the image and heap in the first and the stack in the last). It fills every 8-byte word with a
 * value derived from its region and index (splitmix64), then reads stdin to EOF (a test holds it blocked there while
 * it restarts the GMM and crashes an mComponent), verifies every word, adds the stdin bytes' sum to each word and
 * verifies again, and prints per region an FNV-1a checksum of its contents, then the stdin byte count. Exits 1 on
 * a mapping failure or a mismatch. Deterministic output.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static int verify(uint64_t *words, size_t count, int region, uint64_t add)
{
    for (size_t i = 0; i < count; i++)
    {
        const uint64_t want = splitmix64(((uint64_t)region << 40) | i) + add;
        if (words[i] != want)
        {
            printf("region %d word %zu: 0x%016llx, expected 0x%016llx\n", region, i, (unsigned long long)words[i],
                (unsigned long long)want);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const long mib = argc > 1 ? atol(argv[1]) : 4;
    const int regions = argc > 2 ? atoi(argv[2]) : 4;
    if (mib <= 0 || regions <= 0 || regions > 64)
    {
        fprintf(stderr, "usage: spanwait [MIB [REGIONS]]\n");
        return 2;
    }
    const size_t bytes = (size_t)mib << 20;
    const size_t count = bytes / sizeof(uint64_t);
    uint64_t *region[64];
    for (int r = 0; r < regions; r++)
    {
        void *want = (void *)((uintptr_t)(r + 1) << 30);
        void *p = mmap(want, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == MAP_FAILED || p != want)
        {
            printf("mmap at %p failed\n", want);
            return 1;
        }
        region[r] = p;
        for (size_t i = 0; i < count; i++)
        {
            region[r][i] = splitmix64(((uint64_t)r << 40) | i);
        }
    }
    printf("filled %d regions of %ld MiB\n", regions, mib);
    fflush(stdout);

    unsigned char buf[4096];
    uint64_t total = 0;
    uint64_t sum = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
    {
        for (ssize_t i = 0; i < n; i++)
        {
            sum += buf[i];
        }
        total += (uint64_t)n;
    }

    for (int r = 0; r < regions; r++)
    {
        if (verify(region[r], count, r, 0))
        {
            return 1;
        }
        for (size_t i = 0; i < count; i++)
        {
            region[r][i] += sum;
        }
    }
    for (int r = 0; r < regions; r++)
    {
        if (verify(region[r], count, r, sum))
        {
            return 1;
        }
        uint64_t h = 0xcbf29ce484222325ULL;
        const unsigned char *b = (const unsigned char *)region[r];
        for (size_t i = 0; i < bytes; i++)
        {
            h = (h ^ b[i]) * 0x100000001b3ULL;
        }
        printf("region %d at %p: fnv1a %016llx\n", r, (void *)region[r], (unsigned long long)h);
    }
    printf("stdin: %llu bytes, sum %llu\n", (unsigned long long)total, (unsigned long long)sum);
    return 0;
}
