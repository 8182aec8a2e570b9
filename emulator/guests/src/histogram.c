/* histogram FILE [THREADS]: a Phoenix-style MapReduce byte histogram. FILE is
 * mapped read-only with mmap(2) (MAP_PRIVATE) and cut into THREADS equal
 * chunks (default 4); each map thread counts the bytes of its chunk into its
 * own 256-entry table, the main thread reduces the tables and prints the total,
 * the number of distinct byte values, the ten most frequent bytes with their
 * counts (ties by byte value) and a checksum of the whole table. Output is
 * independent of scheduling. */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 64

struct task {
    const unsigned char *start;
    size_t length;
    uint64_t counts[256];
};

static void *map(void *arg)
{
    struct task *t = arg;
    /* four tables break the store-to-load dependency of runs of one byte value */
    uint64_t c[4][256] = {{0}};
    size_t i = 0;
    for (; i + 4 <= t->length; i += 4) {
        c[0][t->start[i]]++;
        c[1][t->start[i + 1]]++;
        c[2][t->start[i + 2]]++;
        c[3][t->start[i + 3]]++;
    }
    for (; i < t->length; i++)
        c[0][t->start[i]]++;
    for (int b = 0; b < 256; b++)
        t->counts[b] = c[0][b] + c[1][b] + c[2][b] + c[3][b];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: histogram FILE [THREADS]\n");
        return 2;
    }
    int threads = argc > 2 ? atoi(argv[2]) : 4;
    if (threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "histogram: THREADS must be 1..%d\n", MAX_THREADS);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "histogram: cannot open '%s'\n", argv[1]);
        return 1;
    }
    size_t size = (size_t)st.st_size;
    const unsigned char *text = NULL;
    if (size > 0) {
        text = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (text == MAP_FAILED) {
            perror("histogram: mmap");
            return 1;
        }
    }
    static struct task tasks[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    size_t per = size / (size_t)threads;
    for (int i = 0; i < threads; i++) {
        tasks[i].start = text + per * (size_t)i;
        tasks[i].length = i == threads - 1 ? size - per * (size_t)i : per;
        if (pthread_create(&ids[i], NULL, map, &tasks[i]) != 0) {
            fprintf(stderr, "histogram: pthread_create failed\n");
            return 1;
        }
    }
    uint64_t total[256] = {0};
    for (int i = 0; i < threads; i++) {
        pthread_join(ids[i], NULL);
        for (int b = 0; b < 256; b++)
            total[b] += tasks[i].counts[b];
    }
    uint64_t sum = 0, distinct = 0, check = 1469598103934665603ULL;
    for (int b = 0; b < 256; b++) {
        sum += total[b];
        distinct += total[b] != 0;
        check = (check ^ total[b]) * 1099511628211ULL;
    }
    printf("bytes %llu distinct %llu threads %d\n", (unsigned long long)sum, (unsigned long long)distinct, threads);
    int used[256] = {0};
    for (int k = 0; k < 10; k++) {
        int best = -1;
        for (int b = 0; b < 256; b++)
            if (!used[b] && total[b] && (best < 0 || total[b] > total[best]))
                best = b;
        if (best < 0)
            break;
        used[best] = 1;
        printf("byte %3d count %llu\n", best, (unsigned long long)total[best]);
    }
    printf("checksum %016llx\n", (unsigned long long)check);
    if (text)
        munmap((void *)text, size);
    close(fd);
    return 0;
}
