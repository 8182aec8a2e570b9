/* threads [THREADS] [ITERATIONS]: exercises what glibc's pthreads need from
 * the kernel and the ISA: clone, futex wait/wake (mutexes, condition variables,
 * barriers, join), thread-local storage (tp), LR/SC and AMOs under contention.
 * Prints totals that are the same for any interleaving, then returns from
 * main while one thread spins and another waits forever (exit_group must end
 * them). Defaults: 4 threads, 20000 iterations. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <time.h>

static int nthreads = 4;
static long iterations = 20000;

static atomic_long atomic_total;
static atomic_int cas_total;
static long mutex_total;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;
static __thread long tls_counter;

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t queue_nonfull = PTHREAD_COND_INITIALIZER;
#define QUEUE_CAP 8
static long queue[QUEUE_CAP];
static int queue_head, queue_count;

static void *worker(void *arg)
{
    long id = (long)arg;
    pthread_barrier_wait(&barrier);
    for (long i = 0; i < iterations; i++) {
        atomic_fetch_add(&atomic_total, i % 7 + id);
        int old = atomic_load(&cas_total);
        while (!atomic_compare_exchange_weak(&cas_total, &old, old + 1))
            ;
        tls_counter += 2;
        if (i % 16 == 0) {
            pthread_mutex_lock(&mutex);
            mutex_total += tls_counter;
            pthread_mutex_unlock(&mutex);
        }
    }
    pthread_barrier_wait(&barrier);
    return (void *)(tls_counter + id);
}

static void *producer(void *arg)
{
    long n = (long)arg;
    for (long i = 1; i <= n; i++) {
        pthread_mutex_lock(&queue_lock);
        while (queue_count == QUEUE_CAP)
            pthread_cond_wait(&queue_nonfull, &queue_lock);
        queue[(queue_head + queue_count) % QUEUE_CAP] = i;
        queue_count++;
        pthread_cond_signal(&queue_nonempty);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long n = (long)arg, sum = 0;
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&queue_lock);
        while (queue_count == 0)
            pthread_cond_wait(&queue_nonempty, &queue_lock);
        sum += queue[queue_head];
        queue_head = (queue_head + 1) % QUEUE_CAP;
        queue_count--;
        pthread_cond_signal(&queue_nonfull);
        pthread_mutex_unlock(&queue_lock);
    }
    return (void *)sum;
}

static volatile long spin_sink;

static void *spinner(void *arg)
{
    (void)arg;
    for (;;)
        spin_sink++;
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&queue_lock);
    for (;;)
        pthread_cond_wait(&queue_nonempty, &queue_lock); /* never signalled again */
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        nthreads = atoi(argv[1]);
    if (argc > 2)
        iterations = atol(argv[2]);
    pthread_t *tids = malloc(sizeof(pthread_t) * nthreads);
    pthread_barrier_init(&barrier, NULL, nthreads);
    for (long t = 0; t < nthreads; t++)
        if (pthread_create(&tids[t], NULL, worker, (void *)t) != 0) {
            perror("pthread_create");
            return 1;
        }
    long joined = 0;
    for (int t = 0; t < nthreads; t++) {
        void *ret;
        pthread_join(tids[t], &ret);
        joined += (long)ret;
    }
    printf("threads       %d\n", nthreads);
    printf("atomic total  %ld\n", atomic_load(&atomic_total));
    printf("cas total     %d\n", atomic_load(&cas_total));
    printf("joined        %ld\n", joined);
    printf("main tls      %ld\n", tls_counter);
    printf("mutex total>0 %d\n", mutex_total > 0);

    pthread_t p, c;
    long items = iterations / 4;
    pthread_create(&c, NULL, consumer, (void *)items);
    pthread_create(&p, NULL, producer, (void *)items);
    void *sum;
    pthread_join(p, NULL);
    pthread_join(c, &sum);
    printf("queue sum     %ld (expected %ld)\n", (long)sum, items * (items + 1) / 2);

    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    printf("nprocs>0      %d\n", sysconf(_SC_NPROCESSORS_ONLN) > 0);

    /* returning from main ends the process (exit_group) while one thread spins and one waits on a futex */
    pthread_t s1, s2;
    pthread_create(&s1, NULL, spinner, NULL);
    pthread_create(&s2, NULL, sleeper, NULL);
    nanosleep(&ts, NULL);
    fflush(stdout);
    return 0;
}
