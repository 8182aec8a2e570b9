/*
 * Differential oracle for FloatingPointUnitQemuCrossCheckTest: reads "op rm a b c" (hex operands) per line,
 * executes the RV64 F/D instruction with frm=rm and prints "result fflags" in hex.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static double d(uint64_t v) { double r; memcpy(&r, &v, 8); return r; }
static float f(uint64_t v) { float r; uint32_t w = (uint32_t)v; memcpy(&r, &w, 4); return r; }
static uint64_t bd(double v) { uint64_t r; memcpy(&r, &v, 8); return r; }
static uint64_t bf(float v) { uint32_t r; memcpy(&r, &v, 4); return r; }

#define FBIN(N, I, T, CV, BK) case N: { T x = CV(a), y = CV(b), r; \
    asm volatile(I " %0,%1,%2" : "=f"(r) : "f"(x), "f"(y)); res = BK(r); break; }
#define FUN(N, I, T, CV, BK) case N: { T x = CV(a), r; \
    asm volatile(I " %0,%1" : "=f"(r) : "f"(x)); res = BK(r); break; }
#define FTER(N, I, T, CV, BK) case N: { T x = CV(a), y = CV(b), z = CV(c), r; \
    asm volatile(I " %0,%1,%2,%3" : "=f"(r) : "f"(x), "f"(y), "f"(z)); res = BK(r); break; }
#define TOX(N, I, T, CV) case N: { T x = CV(a); long r; \
    asm volatile(I " %0,%1" : "=r"(r) : "f"(x)); res = (uint64_t)r; break; }
#define CMP(N, I, T, CV) case N: { T x = CV(a), y = CV(b); long r; \
    asm volatile(I " %0,%1,%2" : "=r"(r) : "f"(x), "f"(y)); res = (uint64_t)r; break; }
#define FROMX(N, I, T, BK) case N: { T r; long x = (long)a; \
    asm volatile(I " %0,%1" : "=f"(r) : "r"(x)); res = BK(r); break; }

int main(void)
{
    int op, rm;
    unsigned long long a, b, c;
    while (scanf("%d %d %llx %llx %llx", &op, &rm, &a, &b, &c) == 5)
    {
        uint64_t res = 0;
        unsigned long flags;
        asm volatile("fsrm %0" : : "r"((long)rm));
        asm volatile("fsflags zero");
        switch (op)
        {
            FBIN(0, "fadd.d", double, d, bd)
            FBIN(1, "fsub.d", double, d, bd)
            FBIN(2, "fmul.d", double, d, bd)
            FBIN(3, "fdiv.d", double, d, bd)
            FUN(4, "fsqrt.d", double, d, bd)
            FTER(5, "fmadd.d", double, d, bd)
            FTER(6, "fmsub.d", double, d, bd)
            FTER(7, "fnmsub.d", double, d, bd)
            FTER(8, "fnmadd.d", double, d, bd)
            FBIN(9, "fmin.d", double, d, bd)
            FBIN(10, "fmax.d", double, d, bd)
            CMP(11, "feq.d", double, d)
            CMP(12, "flt.d", double, d)
            CMP(13, "fle.d", double, d)
            TOX(14, "fcvt.w.d", double, d)
            TOX(15, "fcvt.wu.d", double, d)
            TOX(16, "fcvt.l.d", double, d)
            TOX(17, "fcvt.lu.d", double, d)
            FROMX(18, "fcvt.d.w", double, bd)
            FROMX(19, "fcvt.d.wu", double, bd)
            FROMX(20, "fcvt.d.l", double, bd)
            FROMX(21, "fcvt.d.lu", double, bd)
            case 22: { double x = d(a); float r; asm volatile("fcvt.s.d %0,%1" : "=f"(r) : "f"(x)); res = bf(r); break; }
            case 23: { float x = f(a); double r; asm volatile("fcvt.d.s %0,%1" : "=f"(r) : "f"(x)); res = bd(r); break; }
            TOX(24, "fclass.d", double, d)
            FBIN(32, "fadd.s", float, f, bf)
            FBIN(33, "fsub.s", float, f, bf)
            FBIN(34, "fmul.s", float, f, bf)
            FBIN(35, "fdiv.s", float, f, bf)
            FUN(36, "fsqrt.s", float, f, bf)
            FTER(37, "fmadd.s", float, f, bf)
            FTER(38, "fmsub.s", float, f, bf)
            FTER(39, "fnmsub.s", float, f, bf)
            FTER(40, "fnmadd.s", float, f, bf)
            FBIN(41, "fmin.s", float, f, bf)
            FBIN(42, "fmax.s", float, f, bf)
            CMP(43, "feq.s", float, f)
            CMP(44, "flt.s", float, f)
            CMP(45, "fle.s", float, f)
            TOX(46, "fcvt.w.s", float, f)
            TOX(47, "fcvt.wu.s", float, f)
            TOX(48, "fcvt.l.s", float, f)
            TOX(49, "fcvt.lu.s", float, f)
            FROMX(50, "fcvt.s.w", float, bf)
            FROMX(51, "fcvt.s.wu", float, bf)
            FROMX(52, "fcvt.s.l", float, bf)
            FROMX(53, "fcvt.s.lu", float, bf)
            TOX(56, "fclass.s", float, f)
            default: break;
        }
        asm volatile("frflags %0" : "=r"(flags));
        printf("%llx %lx\n", (unsigned long long)res, flags);
    }
    return 0;
}
