/* fileread FILE [BLOCK]: reads FILE sequentially with read(2) calls of BLOCK
 * bytes (default 4096) and prints the number of bytes, read calls and an
 * FNV-1a-style 64-bit checksum of the contents. The file-cache benchmark of
 * `lego bench files` (sequential 4 KiB reads). Exits 1 with a message when the
 * file cannot be opened. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fileread FILE [BLOCK]\n");
        return 2;
    }
    size_t block = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 4096;
    if (block == 0 || block > (1 << 24)) {
        fprintf(stderr, "fileread: bad block size\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "fileread: cannot open '%s'\n", argv[1]);
        return 1;
    }
    unsigned char *buf = malloc(block);
    uint64_t sum = 1469598103934665603ULL, bytes = 0, calls = 0;
    for (;;) {
        ssize_t n = read(fd, buf, block);
        calls++;
        if (n < 0) {
            perror("fileread: read");
            return 1;
        }
        if (n == 0)
            break;
        /* 8 bytes at a time where possible: the checksum is cheap next to the read */
        ssize_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            __builtin_memcpy(&w, buf + i, 8);
            sum = (sum ^ w) * 1099511628211ULL;
        }
        for (; i < n; i++)
            sum = (sum ^ buf[i]) * 1099511628211ULL;
        bytes += (uint64_t)n;
    }
    close(fd);
    printf("bytes %llu reads %llu checksum %016llx\n", (unsigned long long)bytes, (unsigned long long)calls,
           (unsigned long long)sum);
    return 0;
}
