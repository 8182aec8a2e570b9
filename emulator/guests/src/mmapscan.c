/* mmapscan FILE [private|shared|fork]: maps FILE with mmap(2) (read-only
 * MAP_PRIVATE by default, read-only MAP_SHARED on request), scans it once and
 * prints its size, the number of newline bytes and an FNV-1a-style 64-bit
 * checksum. The mapped-file benchmark of `lego bench files`. With "fork" the
 * mapping is MAP_PRIVATE read-write: the parent overwrites the first byte of
 * every 8th page (copy-on-write: the file is unchanged), reads the first half,
 * forks; the child scans the whole mapping and prints, then the parent waits
 * and scans it again: both see the parent's writes and the file's bytes
 * elsewhere. Exits 1 with a message when the file cannot be opened or mapped. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void scan(const char *who, const unsigned char *p, size_t size)
{
    uint64_t sum = 1469598103934665603ULL, lines = 0;
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
    printf("%sbytes %llu newlines %llu checksum %016llx\n", who, (unsigned long long)size,
           (unsigned long long)lines, (unsigned long long)sum);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mmapscan FILE [private|shared]\n");
        return 2;
    }
    int shared = argc > 2 && strcmp(argv[2], "shared") == 0;
    int forking = argc > 2 && strcmp(argv[2], "fork") == 0;
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "mmapscan: cannot open '%s'\n", argv[1]);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    if (size == 0) {
        printf("bytes 0 newlines 0 checksum %016llx\n", 1469598103934665603ULL);
        return 0;
    }
    int prot = forking ? PROT_READ | PROT_WRITE : PROT_READ;
    unsigned char *p = mmap(NULL, size, prot, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        perror("mmapscan: mmap");
        return 1;
    }
    close(fd);
    if (forking) {
        volatile unsigned sink = 0;
        for (size_t at = 0; at < size; at += 8 * 4096)
            p[at] = (unsigned char)('A' + (at >> 15) % 26);
        for (size_t at = 0; at < size / 2; at += 4096)
            sink += p[at];
        (void)sink;
        fflush(stdout);
        pid_t child = fork();
        if (child < 0) {
            perror("mmapscan: fork");
            return 1;
        }
        if (child == 0) {
            scan("child ", p, size);
            fflush(stdout);
            _exit(0);
        }
        int status;
        waitpid(child, &status, 0);
    }
    scan("", p, size);
    munmap(p, size);
    return 0;
}
