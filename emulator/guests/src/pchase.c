/* pchase PAGES STEPS [THREADS] [-t]: the timing model's calibration guest.
 * Each thread mmaps PAGES pages of its own, links them into one random cycle
 * (Sattolo's algorithm, xorshift64 seeded by the thread's index) with one
 * pointer per page, walks the cycle once to warm up, waits at a barrier, then
 * chases STEPS pointers: with PAGES far above the ExCache's lines, nearly every
 * step is an ExCache miss on a clean line. Prints each thread's final page
 * index and a checksum (the same for any run); with -t also the time each
 * thread's chase took as clock_gettime(CLOCK_MONOTONIC) saw it ("thread I
 * ns_per_step X") and the whole timed section ("elapsed_ns N"), which under
 * `lego run --guest-clock modeled` are modeled figures. Defaults: 1 thread. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096

static long pages, steps;
static int nthreads = 1, timed;
static pthread_barrier_t barrier;

struct chase {
    int index;
    long last;
    long long ns;
};

static uint64_t next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *run(void *arg)
{
    struct chase *c = arg;
    char *region = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long *order = malloc(pages * sizeof *order);
    if (region == MAP_FAILED || order == NULL) {
        fprintf(stderr, "pchase: out of memory\n");
        exit(1);
    }
    uint64_t seed = 0x9E3779B97F4A7C15ULL * (uint64_t)(c->index + 1);
    for (long i = 0; i < pages; i++)
        order[i] = i;
    for (long i = pages - 1; i > 0; i--) {
        long j = (long)(next(&seed) % (uint64_t)i);
        long t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (long i = 0; i < pages; i++)
        *(char **)(region + order[i] * PAGE) = region + order[(i + 1) % pages] * PAGE;
    free(order);
    char *p = region;
    for (long i = 0; i < pages; i++)
        p = *(char **)p;
    pthread_barrier_wait(&barrier);
    long long start = now_ns();
    for (long i = 0; i < steps; i++)
        p = *(char **)p;
    c->ns = now_ns() - start;
    c->last = (p - region) / PAGE;
    return NULL;
}

int main(int argc, char **argv)
{
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0)
            timed = 1;
        else if (positional == 0 && ++positional)
            pages = atol(argv[i]);
        else if (positional == 1 && ++positional)
            steps = atol(argv[i]);
        else if (positional == 2 && ++positional)
            nthreads = atoi(argv[i]);
    }
    if (pages < 2 || steps < 1 || nthreads < 1 || nthreads > 64) {
        fprintf(stderr, "usage: pchase PAGES(>=2) STEPS(>=1) [THREADS 1-64] [-t]\n");
        return 2;
    }
    struct chase c[64];
    pthread_t t[64];
    pthread_barrier_init(&barrier, NULL, nthreads + 1);
    for (int i = 0; i < nthreads; i++) {
        c[i].index = i;
        pthread_create(&t[i], NULL, run, &c[i]);
    }
    pthread_barrier_wait(&barrier);
    long long start = now_ns();
    long sum = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(t[i], NULL);
        sum = sum * 31 + c[i].last;
    }
    long long elapsed = now_ns() - start;
    for (int i = 0; i < nthreads; i++)
        printf("thread %d last page %ld\n", i, c[i].last);
    printf("checksum %ld\n", sum);
    if (timed) {
        for (int i = 0; i < nthreads; i++)
            printf("thread %d ns_per_step %.1f\n", i, (double)c[i].ns / steps);
        printf("elapsed_ns %lld\n", elapsed);
    }
    return 0;
}
