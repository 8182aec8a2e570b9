/*
 * commitwait MIB: mallocs MIB MiB in one go and writes every page (splitmix64 words), then reads stdin to EOF (a test
 * holds it blocked there, so its commit stays while another process allocates), verifies every word and prints an
 * FNV-1a checksum. If the malloc fails it prints "malloc failed: " and strerror(errno) instead, still reads stdin,
 * and exits 0 either way. Under qemu-riscv64 a size past what the host will map gives the failure line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t drain_stdin(void)
{
    char buf[4096];
    uint64_t total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
    {
        total += (uint64_t)n;
    }
    return total;
}

int main(int argc, char **argv)
{
    const unsigned long long mib = argc > 1 ? strtoull(argv[1], NULL, 10) : 16;
    const size_t bytes = (size_t)(mib << 20);
    uint64_t *words = malloc(bytes);
    if (words == NULL)
    {
        printf("malloc failed: %s\n", strerror(errno));
        fflush(stdout);
        printf("stdin: %llu bytes\n", (unsigned long long)drain_stdin());
        return 0;
    }
    const size_t count = bytes / sizeof(uint64_t);
    for (size_t i = 0; i < count; i += 512)
    {
        words[i] = splitmix64(i);
    }
    printf("allocated %llu MiB\n", mib);
    fflush(stdout);
    const uint64_t in = drain_stdin();
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < count; i += 512)
    {
        if (words[i] != splitmix64(i))
        {
            printf("word %zu differs\n", i);
            return 1;
        }
        h = (h ^ words[i]) * 0x100000001b3ULL;
    }
    printf("checksum %016llx\nstdin: %llu bytes\n", (unsigned long long)h, (unsigned long long)in);
    return 0;
}
