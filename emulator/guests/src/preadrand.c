/* preadrand FILE COUNT [SEED]: COUNT pread(2) calls of 4 KiB at random
 * 4 KiB-aligned offsets within FILE (a xorshift64 sequence from SEED, default
 * 1), then prints the number of calls, bytes read and a checksum of every
 * block's first and last 8 bytes. The random-read benchmark of `lego bench
 * files`. Exits 1 with a message when the file cannot be opened or is smaller
 * than 4 KiB. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: preadrand FILE COUNT [SEED]\n");
        return 2;
    }
    long count = atol(argv[2]);
    uint64_t x = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    if (x == 0)
        x = 1;
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 4096) {
        fprintf(stderr, "preadrand: cannot open '%s' (or it is below 4 KiB)\n", argv[1]);
        return 1;
    }
    uint64_t blocks = (uint64_t)st.st_size / 4096;
    unsigned char buf[4096];
    uint64_t sum = 1469598103934665603ULL, bytes = 0;
    for (long i = 0; i < count; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        off_t at = (off_t)((x % blocks) * 4096);
        ssize_t n = pread(fd, buf, sizeof buf, at);
        if (n != (ssize_t)sizeof buf) {
            fprintf(stderr, "preadrand: pread at %lld returned %zd\n", (long long)at, n);
            return 1;
        }
        uint64_t a, b;
        memcpy(&a, buf, 8);
        memcpy(&b, buf + 4088, 8);
        sum = (sum ^ a ^ (b << 1)) * 1099511628211ULL;
        bytes += (uint64_t)n;
    }
    close(fd);
    printf("preads %ld bytes %llu checksum %016llx\n", count, (unsigned long long)bytes, (unsigned long long)sum);
    return 0;
}
