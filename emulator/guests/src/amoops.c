/* amoops: the A extension in one hart (RISC-V unprivileged spec, chapter 8 "A"): every AMO in .w and .d form
 * (the .w results sign-extended, min/max signed and unsigned), LR/SC pairs that succeed, an SC without a
 * reservation and an SC to another address that fail (sc returns nonzero, memory unchanged), and the aq/rl
 * variants. Threads are not needed: this checks the results, not atomicity. Prints one line per case; exits 0. */
#include <stdint.h>
#include <stdio.h>

#define AMO(name, insn, type)                                                                      \
    static int64_t name(volatile type *p, int64_t v, int64_t *old)                                 \
    {                                                                                              \
        int64_t r;                                                                                 \
        __asm__ volatile(insn " %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory");             \
        *old = r;                                                                                  \
        return (int64_t)*p;                                                                        \
    }

AMO(swap_w, "amoswap.w", int32_t) AMO(add_w, "amoadd.w", int32_t) AMO(and_w, "amoand.w", int32_t)
AMO(or_w, "amoor.w", int32_t) AMO(xor_w, "amoxor.w", int32_t) AMO(min_w, "amomin.w", int32_t)
AMO(max_w, "amomax.w", int32_t) AMO(minu_w, "amominu.w", int32_t) AMO(maxu_w, "amomaxu.w", int32_t)
AMO(swap_d, "amoswap.d", int64_t) AMO(add_d, "amoadd.d", int64_t) AMO(and_d, "amoand.d", int64_t)
AMO(or_d, "amoor.d", int64_t) AMO(xor_d, "amoxor.d", int64_t) AMO(min_d, "amomin.d", int64_t)
AMO(max_d, "amomax.d", int64_t) AMO(minu_d, "amominu.d", int64_t) AMO(maxu_d, "amomaxu.d", int64_t)
AMO(add_w_aqrl, "amoadd.w.aqrl", int32_t) AMO(swap_d_aq, "amoswap.d.aq", int64_t)

typedef int64_t (*amo_w)(volatile int32_t *, int64_t, int64_t *);
typedef int64_t (*amo_d)(volatile int64_t *, int64_t, int64_t *);

static const int64_t VALUES[] = {0, 1, -1, 0x7fffffff, -0x80000000LL, 0x80000000LL, 0x123456789LL, INT64_MIN,
                                 INT64_MAX, 5, -5};
#define NV (sizeof VALUES / sizeof VALUES[0])

int main(void)
{
    static const struct { const char *name; amo_w f; } WS[] = {
        {"amoswap.w", swap_w}, {"amoadd.w", add_w}, {"amoand.w", and_w}, {"amoor.w", or_w}, {"amoxor.w", xor_w},
        {"amomin.w", min_w}, {"amomax.w", max_w}, {"amominu.w", minu_w}, {"amomaxu.w", maxu_w},
        {"amoadd.w.aqrl", add_w_aqrl},
    };
    static const struct { const char *name; amo_d f; } DS[] = {
        {"amoswap.d", swap_d}, {"amoadd.d", add_d}, {"amoand.d", and_d}, {"amoor.d", or_d}, {"amoxor.d", xor_d},
        {"amomin.d", min_d}, {"amomax.d", max_d}, {"amominu.d", minu_d}, {"amomaxu.d", maxu_d},
        {"amoswap.d.aq", swap_d_aq},
    };
    for (unsigned k = 0; k < sizeof WS / sizeof WS[0]; k++)
    {
        uint64_t h = 1469598103934665603ULL;
        for (unsigned i = 0; i < NV; i++)
        {
            for (unsigned j = 0; j < NV; j++)
            {
                volatile int32_t cell[3] = {0x11111111, (int32_t)VALUES[i], 0x22222222};
                int64_t old;
                const int64_t now = WS[k].f(&cell[1], VALUES[j], &old);
                h = (h ^ (uint64_t)old) * 1099511628211ULL;
                h = (h ^ (uint64_t)now) * 1099511628211ULL;
                h = (h ^ (uint64_t)(cell[0] ^ cell[2])) * 1099511628211ULL;
            }
        }
        int64_t old;
        volatile int32_t c = -7;
        const int64_t now = WS[k].f(&c, 0x80000001LL, &old);
        printf("%-14s fnv=%016llx  (-7, 0x80000001) -> old %lld new %lld\n", WS[k].name, (unsigned long long)h,
               (long long)old, (long long)now);
    }
    for (unsigned k = 0; k < sizeof DS / sizeof DS[0]; k++)
    {
        uint64_t h = 1469598103934665603ULL;
        for (unsigned i = 0; i < NV; i++)
        {
            for (unsigned j = 0; j < NV; j++)
            {
                volatile int64_t cell = VALUES[i];
                int64_t old;
                const int64_t now = DS[k].f(&cell, VALUES[j], &old);
                h = (h ^ (uint64_t)old) * 1099511628211ULL;
                h = (h ^ (uint64_t)now) * 1099511628211ULL;
            }
        }
        printf("%-14s fnv=%016llx\n", DS[k].name, (unsigned long long)h);
    }

    /* LR/SC: a pair that succeeds, then SC without a reservation, then SC after LR to a different address. */
    volatile int64_t a = 40, b = 7;
    volatile int32_t w = -2;
    int64_t loaded, fail;
    __asm__ volatile("lr.d %0, (%2)\n\taddi %0, %0, 2\n\tsc.d %1, %0, (%2)"
                     : "=&r"(loaded), "=&r"(fail) : "r"(&a) : "memory");
    printf("lr/sc.d pair: sc returned %lld, memory %lld\n", (long long)(fail != 0), (long long)a);
    __asm__ volatile("lr.w %0, (%2)\n\taddi %0, %0, -1\n\tsc.w %1, %0, (%2)"
                     : "=&r"(loaded), "=&r"(fail) : "r"(&w) : "memory");
    printf("lr/sc.w pair: sc returned %lld, memory %d, lr.w sign-extended %lld\n", (long long)(fail != 0), w,
           (long long)loaded);
    int64_t tries = 0;
    for (int i = 0; i < 1000; i++)
    {
        int64_t tmp, rc;
        __asm__ volatile("1: lr.d.aq %0, (%2)\n\taddi %0, %0, 1\n\tsc.d.rl %1, %0, (%2)\n\tbnez %1, 1b"
                         : "=&r"(tmp), "=&r"(rc) : "r"(&b) : "memory");
        tries++;
    }
    printf("lr/sc loop: b = %lld after %lld increments\n", (long long)b, (long long)tries);
    /* An SC after the reservation was consumed by an earlier SC must fail and not store. */
    int64_t second;
    __asm__ volatile("lr.d %0, (%3)\n\tsc.d %1, %0, (%3)\n\tsc.d %2, %4, (%3)"
                     : "=&r"(loaded), "=&r"(fail), "=&r"(second) : "r"(&a), "r"((int64_t)999) : "memory");
    printf("second sc without a new lr: first %lld, second failed %d, memory %lld\n", (long long)fail,
           second != 0, (long long)a);
    return 0;
}
