/* csrclock [-v] [SLEEP_MS]: do the rdtime and rdcycle counter CSRs agree with
 * clock_gettime(CLOCK_MONOTONIC)? Checks, printing OK or NO for each:
 *   - rdtime and rdcycle never go back over 100000 reads;
 *   - rdtime and rdcycle advance over a busy loop;
 *   - rdtime counts at the rate clock_gettime does: its ticks per ns over a
 *     busy loop and over a nanosleep of SLEEP_MS (default 200) agree within
 *     5 %, whatever the timebase frequency (qemu-riscv64 user mode reads the
 *     host's tick counter; Linux on a board, the device tree's
 *     timebase-frequency; LegoEmu, 10 MHz of host or modeled time).
 * Without -v the output depends on nothing but the checks' outcome, so it can
 * be compared with qemu-riscv64's. -v adds the raw deltas (rdtime ticks,
 * rdcycle, rdinstret, clock_gettime ns) over the loop and over the sleep: under
 * `lego run --guest-clock modeled` they are modeled time and the same on
 * every run (ModeledCounterCsrTest). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t rdtime(void)
{
    uint64_t v;
    __asm__ volatile("rdtime %0" : "=r"(v));
    return v;
}

static inline uint64_t rdcycle(void)
{
    uint64_t v;
    __asm__ volatile("rdcycle %0" : "=r"(v));
    return v;
}

static inline uint64_t rdinstret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct span {
    long long ns;
    uint64_t ticks, cycles, instret;
};

static volatile uint64_t sink;

/* Busy loop: about 4 instructions per iteration, no memory traffic beyond the stack. */
static void spin(long n)
{
    uint64_t x = 1;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    sink = x;
}

static void measure(struct span *s, int sleep_ms)
{
    long long c0 = mono_ns();
    uint64_t t0 = rdtime(), y0 = rdcycle(), i0 = rdinstret();
    if (sleep_ms > 0) {
        struct timespec d = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
        nanosleep(&d, NULL);
    } else {
        spin(10000000);
    }
    uint64_t i1 = rdinstret(), y1 = rdcycle(), t1 = rdtime();
    long long c1 = mono_ns();
    s->ns = c1 - c0;
    s->ticks = t1 - t0;
    s->cycles = y1 - y0;
    s->instret = i1 - i0;
}

static const char *ok(int b)
{
    return b ? "OK" : "NO";
}

int main(int argc, char **argv)
{
    int verbose = 0, sleep_ms = 200;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else if ((sleep_ms = atoi(argv[i])) <= 0) {
            fprintf(stderr, "usage: csrclock [-v] [SLEEP_MS > 0]\n");
            return 2;
        }
    }
    int time_mono = 1, cycle_mono = 1;
    uint64_t pt = rdtime(), pc = rdcycle();
    for (int i = 0; i < 100000; i++) {
        uint64_t t = rdtime(), c = rdcycle();
        time_mono &= t >= pt;
        cycle_mono &= c >= pc;
        pt = t;
        pc = c;
    }
    struct span loop, sleep;
    measure(&loop, 0);
    measure(&sleep, sleep_ms);
    double loop_rate = loop.ns > 0 ? (double)loop.ticks / loop.ns : 0;
    double sleep_rate = sleep.ns > 0 ? (double)sleep.ticks / sleep.ns : 0;
    int agree = loop_rate > 0 && sleep_rate > 0 && loop_rate / sleep_rate > 0.95 && loop_rate / sleep_rate < 1.05;
    printf("rdtime monotonic: %s\n", ok(time_mono));
    printf("rdcycle monotonic: %s\n", ok(cycle_mono));
    printf("rdtime and rdcycle advance over a busy loop: %s\n", ok(loop.ticks > 0 && loop.cycles > 0));
    printf("rdtime counts at clock_gettime's rate over a loop and a sleep: %s\n", ok(agree));
    if (verbose) {
        printf("loop: rdtime %llu ticks, rdcycle %llu, rdinstret %llu, clock_gettime %lld ns\n",
               (unsigned long long)loop.ticks, (unsigned long long)loop.cycles, (unsigned long long)loop.instret,
               loop.ns);
        printf("sleep %d ms: rdtime %llu ticks, rdcycle %llu, rdinstret %llu, clock_gettime %lld ns\n", sleep_ms,
               (unsigned long long)sleep.ticks, (unsigned long long)sleep.cycles, (unsigned long long)sleep.instret,
               sleep.ns);
    }
    return 0;
}
