/* fpops: every F and D instruction class under each of the five rounding modes (RISC-V unprivileged spec,
 * chapters 11 "F" and 12 "D"), dynamic (frm set with fesetround, RMM with csrw frm) and static (the rm field
 * of the instruction), printing the result bits and the fflags raised (NV DZ OF UF NX). Operands go into f
 * registers with fmv.d.x and results come out with fmv.x.d, so NaN-boxing of single-precision values is
 * visible (11.2: a non-boxed input reads as the canonical NaN, results are boxed with ones).
 *
 * Usage: fpops           prints a hash of every (instruction, rounding mode) table and notable cases
 *        fpops -v        also prints every single result
 *        fpops badrm     executes an F instruction with frm = 5 (reserved): SIGILL
 *        fpops badstatic executes fadd.s with rm = 5 in the instruction: SIGILL */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t (*fop)(uint64_t a, uint64_t b, uint64_t c, uint64_t *flags);

static int verbose;

#define PRE "fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\tcsrwi fflags, 0\n\t"
#define POST_F "\n\tfmv.x.d %0, ft3\n\tcsrr %1, fflags"
#define POST_X "\n\tcsrr %1, fflags"
#define OPS_IN : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"

#define FN(name, text, post)                                                     \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c, uint64_t *flags)    \
    {                                                                            \
        uint64_t r, fl;                                                          \
        __asm__ volatile(PRE text post OPS_IN);                                  \
        *flags = fl;                                                             \
        return r;                                                                \
    }

/* Six variants: dynamic rounding, then static rne, rtz, rdn, rup, rmm. */
#define RM6(name, text, post)                                                    \
    FN(name##_dyn, text, post)                                                   \
    FN(name##_rne, text ", rne", post)                                           \
    FN(name##_rtz, text ", rtz", post)                                           \
    FN(name##_rdn, text ", rdn", post)                                           \
    FN(name##_rup, text ", rup", post)                                           \
    FN(name##_rmm, text ", rmm", post)                                           \
    static const fop name##_v[6] = {name##_dyn, name##_rne, name##_rtz, name##_rdn, name##_rup, name##_rmm};

#define RM1(name, text, post)                                                    \
    FN(name##_dyn, text, post)                                                   \
    static const fop name##_v[6] = {name##_dyn, 0, 0, 0, 0, 0};

/* Kinds: 3 = three f sources, 2 = two, 1 = one, 'i' = one integer source (a in x register). */
#define T3(i) i " ft3, ft0, ft1, ft2"
#define T2(i) i " ft3, ft0, ft1"
#define T1(i) i " ft3, ft0"
#define TX1(i) i " %0, ft0"
#define TX2(i) i " %0, ft0, ft1"
#define TI(i) i " ft3, %2"

#define FAMILY(p, s, WRM)                                                        \
    RM6(fadd_##p, T2("fadd." s), POST_F)                                         \
    RM6(fsub_##p, T2("fsub." s), POST_F)                                         \
    RM6(fmul_##p, T2("fmul." s), POST_F)                                         \
    RM6(fdiv_##p, T2("fdiv." s), POST_F)                                         \
    RM6(fsqrt_##p, T1("fsqrt." s), POST_F)                                       \
    RM6(fmadd_##p, T3("fmadd." s), POST_F)                                       \
    RM6(fmsub_##p, T3("fmsub." s), POST_F)                                       \
    RM6(fnmadd_##p, T3("fnmadd." s), POST_F)                                     \
    RM6(fnmsub_##p, T3("fnmsub." s), POST_F)                                     \
    RM1(fmin_##p, T2("fmin." s), POST_F)                                         \
    RM1(fmax_##p, T2("fmax." s), POST_F)                                         \
    RM1(fsgnj_##p, T2("fsgnj." s), POST_F)                                       \
    RM1(fsgnjn_##p, T2("fsgnjn." s), POST_F)                                     \
    RM1(fsgnjx_##p, T2("fsgnjx." s), POST_F)                                     \
    RM1(feq_##p, TX2("feq." s), POST_X)                                          \
    RM1(flt_##p, TX2("flt." s), POST_X)                                          \
    RM1(fle_##p, TX2("fle." s), POST_X)                                          \
    RM1(fclass_##p, TX1("fclass." s), POST_X)                                    \
    RM6(fcvt_w_##p, TX1("fcvt.w." s), POST_X)                                    \
    RM6(fcvt_wu_##p, TX1("fcvt.wu." s), POST_X)                                  \
    RM6(fcvt_l_##p, TX1("fcvt.l." s), POST_X)                                    \
    RM6(fcvt_lu_##p, TX1("fcvt.lu." s), POST_X)                                  \
    WRM(fcvt_##p##_w, TI("fcvt." s ".w"), POST_F)                                \
    WRM(fcvt_##p##_wu, TI("fcvt." s ".wu"), POST_F)                              \
    RM6(fcvt_##p##_l, TI("fcvt." s ".l"), POST_F)                                \
    RM6(fcvt_##p##_lu, TI("fcvt." s ".lu"), POST_F)

FAMILY(s, "s", RM6)
FAMILY(d, "d", RM1) /* fcvt.d.w and fcvt.d.wu are exact: the assembler takes no rm */
RM6(fcvt_s_d, T1("fcvt.s.d"), POST_F)
RM1(fcvt_d_s, T1("fcvt.d.s"), POST_F)
RM1(fmv_x_w, TX1("fmv.x.w"), POST_X)
RM1(fmv_x_d, TX1("fmv.x.d"), POST_X)
FN(fmv_w_x_dyn, "fmv.w.x ft3, %2", POST_F)
static const fop fmv_w_x_v[6] = {fmv_w_x_dyn, 0, 0, 0, 0, 0};

#define BOX(x) (0xffffffff00000000ULL | (uint32_t)(x))

static const uint64_t S_VALUES[] = {
    BOX(0x00000000), BOX(0x80000000), BOX(0x3f800000), BOX(0xbf800000), BOX(0x3fc00000), BOX(0x40200000),
    BOX(0xc0200000), BOX(0x3dcccccd), BOX(0x40400000), BOX(0x7f7fffff), BOX(0xff7fffff), BOX(0x00800000),
    BOX(0x00000001), BOX(0x807fffff), BOX(0x5f000000), BOX(0xdf000000), BOX(0x5f800000), BOX(0x4f000000),
    BOX(0x4effffff), BOX(0xbf000000), BOX(0x7f800000), BOX(0xff800000), BOX(0x7fc00000), BOX(0xffc12345),
    BOX(0x7f800001), BOX(0x3f800001), BOX(0x3eaaaaab), BOX(0x34000000),
    0x000000003f800000ULL, /* not NaN-boxed: reads as the canonical NaN */
    0xfffffffe40000000ULL, /* not NaN-boxed either */
};

static const uint64_t D_VALUES[] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL,
    0x3ff8000000000000ULL, 0x4004000000000000ULL, 0xc004000000000000ULL, 0x3fb999999999999aULL,
    0x4008000000000000ULL, 0x7fefffffffffffffULL, 0xffefffffffffffffULL, 0x0010000000000000ULL,
    0x0000000000000001ULL, 0x800fffffffffffffULL, 0x43e0000000000000ULL, 0xc3e0000000000000ULL,
    0x43f0000000000000ULL, 0x41dfffffffe00000ULL, 0x41efffffffe00000ULL, 0xc1e0000000100000ULL,
    0xbfe0000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL,
    0xfff8000000012345ULL, 0x7ff0000000000001ULL, 0x3ff0000000000001ULL, 0x3fd5555555555555ULL,
    0x3ca0000000000000ULL, 0x47efffffe0000000ULL, 0x36a0000000000000ULL, 0x3810000000000000ULL,
};

static const uint64_t I_VALUES[] = {
    0, 1, (uint64_t)-1, 0x7fffffff, 0xffffffff80000000ULL, 0x1000001, 0x20000000000001ULL, 0x7fffffffffffffffULL,
    0x8000000000000000ULL, 0xffffffffffffffffULL, 0xffffffffULL, (uint64_t)-3, 0x123456789abcdef1ULL,
    0x00000000fffffffdULL, 0x5555555500000003ULL, 0x20000003ULL,
};

#define NS (sizeof S_VALUES / sizeof S_VALUES[0])
#define ND (sizeof D_VALUES / sizeof D_VALUES[0])
#define NI (sizeof I_VALUES / sizeof I_VALUES[0])

static const char *RM_NAMES[5] = {"rne", "rtz", "rdn", "rup", "rmm"};

static void set_frm(int rm)
{
    static const int MODES[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
    if (rm < 4)
    {
        if (fesetround(MODES[rm]) != 0)
        {
            printf("fesetround(%d) failed\n", rm);
        }
    }
    else
    {
        __asm__ volatile("csrwi frm, 4");
    }
    unsigned long frm;
    __asm__ volatile("csrr %0, frm" : "=r"(frm));
    if ((int)frm != rm)
    {
        printf("frm reads %lu after setting %d\n", frm, rm);
    }
}

struct acc
{
    uint64_t hash;
    uint64_t flags_or;
};

static void mix(struct acc *acc, uint64_t r, uint64_t fl)
{
    acc->hash = (acc->hash ^ r) * 1099511628211ULL;
    acc->hash = (acc->hash ^ fl) * 1099511628211ULL;
    acc->flags_or |= fl;
}

/* Runs f over all operand combinations of arity n from vals; prints a line per result when verbose. */
static struct acc sweep(const char *name, const char *mode, fop f, int n, const uint64_t *vals, unsigned nv)
{
    struct acc acc = {1469598103934665603ULL, 0};
    const unsigned nb = n >= 2 ? nv : 1;
    const unsigned nc = n >= 3 ? (nv < 12 ? nv : 12) : 1;
    for (unsigned i = 0; i < nv; i++)
    {
        for (unsigned j = 0; j < nb; j++)
        {
            for (unsigned k = 0; k < nc; k++)
            {
                uint64_t fl;
                const uint64_t c = n >= 3 ? vals[(k * 5 + i + 1) % nv] : 0;
                const uint64_t r = f(vals[i], n >= 2 ? vals[j] : 0, c, &fl);
                mix(&acc, r, fl);
                if (verbose)
                {
                    printf("  %s %s %016llx %016llx %016llx -> %016llx flags %02llx\n", name, mode,
                           (unsigned long long)vals[i], (unsigned long long)(n >= 2 ? vals[j] : 0),
                           (unsigned long long)c, (unsigned long long)r, (unsigned long long)fl);
                }
            }
        }
    }
    return acc;
}

struct op
{
    const char *name;
    const fop *v;
    int arity;
    char domain; /* 's', 'd' or 'i': which operand table */
};

#define OP(n, v, a, d) {n, v, a, d}
#define FAM_OPS(p, s, d)                                                                                       \
    OP("fadd." s, fadd_##p##_v, 2, d), OP("fsub." s, fsub_##p##_v, 2, d), OP("fmul." s, fmul_##p##_v, 2, d),    \
    OP("fdiv." s, fdiv_##p##_v, 2, d), OP("fsqrt." s, fsqrt_##p##_v, 1, d),                                     \
    OP("fmadd." s, fmadd_##p##_v, 3, d), OP("fmsub." s, fmsub_##p##_v, 3, d),                                   \
    OP("fnmadd." s, fnmadd_##p##_v, 3, d), OP("fnmsub." s, fnmsub_##p##_v, 3, d),                               \
    OP("fmin." s, fmin_##p##_v, 2, d), OP("fmax." s, fmax_##p##_v, 2, d),                                       \
    OP("fsgnj." s, fsgnj_##p##_v, 2, d), OP("fsgnjn." s, fsgnjn_##p##_v, 2, d),                                 \
    OP("fsgnjx." s, fsgnjx_##p##_v, 2, d), OP("feq." s, feq_##p##_v, 2, d), OP("flt." s, flt_##p##_v, 2, d),    \
    OP("fle." s, fle_##p##_v, 2, d), OP("fclass." s, fclass_##p##_v, 1, d),                                     \
    OP("fcvt.w." s, fcvt_w_##p##_v, 1, d), OP("fcvt.wu." s, fcvt_wu_##p##_v, 1, d),                             \
    OP("fcvt.l." s, fcvt_l_##p##_v, 1, d), OP("fcvt.lu." s, fcvt_lu_##p##_v, 1, d),                             \
    OP("fcvt." s ".w", fcvt_##p##_w_v, 1, 'i'), OP("fcvt." s ".wu", fcvt_##p##_wu_v, 1, 'i'),                   \
    OP("fcvt." s ".l", fcvt_##p##_l_v, 1, 'i'), OP("fcvt." s ".lu", fcvt_##p##_lu_v, 1, 'i')

static const struct op OPS[] = {
    FAM_OPS(s, "s", 's'),
    FAM_OPS(d, "d", 'd'),
    OP("fcvt.s.d", fcvt_s_d_v, 1, 'd'),
    OP("fcvt.d.s", fcvt_d_s_v, 1, 's'),
    OP("fmv.x.w", fmv_x_w_v, 1, 's'),
    OP("fmv.x.d", fmv_x_d_v, 1, 'd'),
    OP("fmv.w.x", fmv_w_x_v, 1, 'i'),
};

static void tables(void)
{
    for (unsigned o = 0; o < sizeof OPS / sizeof OPS[0]; o++)
    {
        const struct op *op = &OPS[o];
        const uint64_t *vals = op->domain == 's' ? S_VALUES : op->domain == 'd' ? D_VALUES : I_VALUES;
        const unsigned nv = op->domain == 's' ? NS : op->domain == 'd' ? ND : NI;
        const int rounding = op->v[1] != 0;
        for (int rm = 0; rm < (rounding ? 5 : 1); rm++)
        {
            char mode[16];
            set_frm(rm);
            snprintf(mode, sizeof mode, "dyn-%s", RM_NAMES[rm]);
            const struct acc dyn = sweep(op->name, mode, op->v[0], op->arity, vals, nv);
            printf("%-12s %-8s fnv=%016llx flags=%02llx", op->name, mode, (unsigned long long)dyn.hash,
                   (unsigned long long)dyn.flags_or);
            if (rounding)
            {
                set_frm((rm + 2) % 5); /* the static rm must win over frm */
                snprintf(mode, sizeof mode, "st-%s", RM_NAMES[rm]);
                const struct acc st = sweep(op->name, mode, op->v[rm + 1], op->arity, vals, nv);
                printf("  static fnv=%016llx flags=%02llx%s", (unsigned long long)st.hash,
                       (unsigned long long)st.flags_or, st.hash == dyn.hash ? " (same)" : " (DIFFERENT)");
            }
            printf("\n");
        }
    }
    set_frm(0);
}

static void show(const char *what, fop f, uint64_t a, uint64_t b)
{
    uint64_t fl;
    const uint64_t r = f(a, b, 0, &fl);
    printf("%-34s -> %016llx flags %02llx\n", what, (unsigned long long)r, (unsigned long long)fl);
}

static void notable(void)
{
    show("fadd.s unboxed 1.0 + 1.0", fadd_s_dyn, 0x3f800000ULL, BOX(0x3f800000));
    show("fsqrt.s -1 (canonical NaN, NV)", fsqrt_s_dyn, BOX(0xbf800000), 0);
    show("fsqrt.d -1", fsqrt_d_dyn, 0xbff0000000000000ULL, 0);
    show("fdiv.d 1/0 (DZ)", fdiv_d_dyn, 0x3ff0000000000000ULL, 0);
    show("fdiv.s 0/0 (NV)", fdiv_s_dyn, BOX(0), BOX(0));
    show("fmin.d -0 +0", fmin_d_dyn, 0x8000000000000000ULL, 0);
    show("fmax.d -0 +0", fmax_d_dyn, 0x8000000000000000ULL, 0);
    show("fmin.s +0 -0", fmin_s_dyn, BOX(0), BOX(0x80000000));
    show("fmin.d qNaN 1", fmin_d_dyn, 0x7ff8000000000000ULL, 0x3ff0000000000000ULL);
    show("fmin.d sNaN 1 (NV)", fmin_d_dyn, 0x7ff0000000000001ULL, 0x3ff0000000000000ULL);
    show("fmax.s qNaN qNaN (canonical)", fmax_s_dyn, BOX(0xffc12345), BOX(0x7fc00001));
    show("fcvt.w.d +inf (saturate)", fcvt_w_d_dyn, 0x7ff0000000000000ULL, 0);
    show("fcvt.w.d NaN (saturate max)", fcvt_w_d_dyn, 0x7ff8000000000000ULL, 0);
    show("fcvt.wu.d -1.0 (saturate 0)", fcvt_wu_d_dyn, 0xbff0000000000000ULL, 0);
    show("fcvt.wu.d -0.5 (NX, 0)", fcvt_wu_d_dyn, 0xbfe0000000000000ULL, 0);
    show("fcvt.lu.s NaN", fcvt_lu_s_dyn, BOX(0x7fc00000), 0);
    show("fcvt.l.d -2^63 (exact)", fcvt_l_d_dyn, 0xc3e0000000000000ULL, 0);
    show("fcvt.wu.s 2^32-ish (sign-ext)", fcvt_wu_s_dyn, BOX(0x4f7fffff), 0);
    show("fcvt.s.d DBL_MAX (OF)", fcvt_s_d_dyn, 0x7fefffffffffffffULL, 0);
    show("fcvt.s.d 2^-149 (exact denormal)", fcvt_s_d_dyn, 0x36a0000000000000ULL, 0);
    show("fcvt.d.s sNaN (NV, canonical)", fcvt_d_s_dyn, BOX(0x7f800001), 0);
    show("fclass.s unboxed", fclass_s_dyn, 0x3f800000ULL, 0);
    show("fclass.d -denormal", fclass_d_dyn, 0x800fffffffffffffULL, 0);
    show("fsgnjn.s unboxed", fsgnjn_s_dyn, 0x3f800000ULL, BOX(0x3f800000));
    show("feq.d sNaN (NV)", feq_d_dyn, 0x7ff0000000000001ULL, 0);
    show("flt.d qNaN (NV)", flt_d_dyn, 0x7ff8000000000000ULL, 0);
    show("feq.s qNaN (quiet)", feq_s_dyn, BOX(0x7fc00000), BOX(0x7fc00000));
    show("fmv.x.w unboxed keeps low bits", fmv_x_w_dyn, 0x12345678cafebabeULL, 0);
}

static void accumulate(void)
{
    /* fflags accumulate until cleared: an inexact add then a divide by zero leave NX|DZ. */
    uint64_t fl;
    __asm__ volatile("csrwi fflags, 0\n\t"
                     "fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfadd.d ft2, ft0, ft1\n\t"
                     "fmv.d.x ft1, zero\n\tfdiv.d ft2, ft0, ft1\n\t"
                     "csrr %0, fflags"
                     : "=r"(fl) : "r"(0x3ff0000000000000ULL), "r"(0x3ca0000000000001ULL) : "ft0", "ft1", "ft2");
    printf("accumulated fflags %02llx\n", (unsigned long long)fl);
    uint64_t fcsr;
    __asm__ volatile("csrwi frm, 3\n\tcsrr %0, fcsr" : "=r"(fcsr));
    printf("fcsr %02llx\n", (unsigned long long)fcsr);
    __asm__ volatile("csrw fcsr, %0" : : "r"(0xffUL));
    __asm__ volatile("csrr %0, fcsr" : "=r"(fcsr));
    printf("fcsr after writing 0xff %02llx\n", (unsigned long long)fcsr);
    __asm__ volatile("csrw fcsr, zero");
}

static void with_fenv(void)
{
    static const int MODES[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
    static const char *NAMES[4] = {"nearest", "towardzero", "downward", "upward"};
    volatile double third = 1.0, three = 3.0, big = 1e308, zero = 0.0, tiny = 1e-308;
    volatile float fthird = 1.0f, fthree = 3.0f;
    for (int m = 0; m < 4; m++)
    {
        fesetround(MODES[m]);
        feclearexcept(FE_ALL_EXCEPT);
        const double q = third / three;
        const int after_div = fetestexcept(FE_ALL_EXCEPT);
        const double o = big * 10.0;
        const int after_of = fetestexcept(FE_OVERFLOW | FE_INEXACT);
        feclearexcept(FE_ALL_EXCEPT);
        const double u = tiny / 1e10;
        const int after_uf = fetestexcept(FE_UNDERFLOW);
        feclearexcept(FE_ALL_EXCEPT);
        const double z = 1.0 / zero;
        const int after_dz = fetestexcept(FE_DIVBYZERO);
        feclearexcept(FE_ALL_EXCEPT);
        const double n = sqrt(-three);
        const int after_nv = fetestexcept(FE_INVALID);
        const float fq = fthird / fthree;
        printf("%-10s q=%a fq=%a o=%a u=%a z=%a n-is-nan=%d exc=%x %x %x %x %x rint(2.5)=%g lrint(-2.5)=%ld\n",
               NAMES[m], q, (double)fq, o, u, z, isnan(n), after_div, after_of, after_uf, after_dz, after_nv,
               rint(2.5), lrint(-2.5));
    }
    fesetround(FE_TONEAREST);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "badrm") == 0)
    {
        printf("setting frm = 5 and adding\n");
        fflush(stdout);
        uint64_t fl;
        __asm__ volatile("csrwi frm, 5");
        fadd_d_dyn(0, 0, 0, &fl);
        printf("not reached\n");
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "badstatic") == 0)
    {
        printf("fadd.s with rm = 5\n");
        fflush(stdout);
        /* fadd.s ft0, ft0, ft0 with rm 101: opcode 0x53, funct7 0 */
        __asm__ volatile(".insn r 0x53, 5, 0, ft0, ft0, ft0" ::: "ft0");
        printf("not reached\n");
        return 1;
    }
    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    tables();
    notable();
    accumulate();
    with_fenv();
    return 0;
}
