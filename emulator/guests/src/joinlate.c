/* joinlate PAGES STEPS: does the joiner's clock pass the end of a thread that
 * was already gone when it was joined? Thread A reads stdin to its end (one
 * blocking read: as long in host time as the input takes to come, short in
 * modeled time); thread B chases a random cycle of PAGES pages for STEPS steps
 * (ExCache misses: long in modeled time), then writes "chaser done" with
 * write(2). main joins A, then B, then reads its clock. On any machine main's
 * clock then reads no earlier than B's end, since CLOCK_MONOTONIC never goes
 * back and the join waits for B. When stdin comes only after "chaser done"
 * (ModeledTimeTest), under `lego run --guest-clock modeled` B ends before A
 * in host time and after it in modeled time, so the join of B finds B's tid
 * word already 0 and makes no system call: the timing model must still see
 * the join. Prints whether the order held and checksums of both threads'
 * work; output depends only on the arguments and stdin. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static long pages, steps;
static long long b_end_ns;
static unsigned long a_sum, b_last;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *reader(void *arg)
{
    (void)arg;
    static unsigned char buf[PAGE];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
        for (ssize_t j = 0; j < n; j++)
            a_sum = a_sum * 31 + buf[j];
    return NULL;
}

static void *chaser(void *arg)
{
    (void)arg;
    unsigned char *m = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    long *order = malloc(pages * sizeof *order);
    for (long i = 0; i < pages; i++)
        order[i] = i;
    uint64_t s = 88172645463325252ULL;
    for (long i = pages - 1; i > 0; i--) { /* Sattolo: one cycle */
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        long j = (long)(s % (uint64_t)i);
        long t = order[i]; order[i] = order[j]; order[j] = t;
    }
    for (long i = 0; i < pages; i++)
        *(long *)(m + order[i] * PAGE) = order[(i + 1) % pages];
    long at = order[0];
    for (long i = 0; i < steps; i++)
        at = *(long *)(m + at * PAGE);
    b_last = (unsigned long)at;
    free(order);
    b_end_ns = now_ns();
    static const char done[] = "chaser done\n";
    if (write(1, done, sizeof done - 1) < 0)
        exit(1);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: joinlate PAGES STEPS\n");
        return 2;
    }
    pages = atol(argv[1]);
    steps = atol(argv[2]);
    pthread_t a, b;
    pthread_create(&a, NULL, reader, NULL);
    pthread_create(&b, NULL, chaser, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    long long after = now_ns();
    printf("reader checksum %lu, chaser ended at page %lu\n", a_sum, b_last);
    printf("main's clock after joining passed the chaser's end: %s\n", after >= b_end_ns ? "yes" : "NO");
    return 0;
}
