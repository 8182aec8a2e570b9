/* fpkernel [STEPS]: a double-precision kernel for `lego bench cpu`: per step, an N-body gravity step over 64
 * bodies (pairwise forces with a square root and a division each), a 5-point Jacobi relaxation sweep over a
 * 96x96 grid, and a Horner-evaluated polynomial with fused multiply-adds over 1024 points. Prints the total
 * energy, the grid's residual and the polynomial sum with %.17g (bit-exact), so any divergence from
 * qemu-riscv64 shows. About 110 thousand instructions per step; default 400 steps. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BODIES 64
#define GRID 96
#define POINTS 1024

static double px[BODIES], py[BODIES], pz[BODIES], vx[BODIES], vy[BODIES], vz[BODIES], mass[BODIES];
static double grid[GRID][GRID], next_grid[GRID][GRID];

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < BODIES; i++)
    {
        e += 0.5 * mass[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
        for (int j = i + 1; j < BODIES; j++)
        {
            const double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
            e -= mass[i] * mass[j] / sqrt(dx * dx + dy * dy + dz * dz + 0.01);
        }
    }
    return e;
}

static void nbody_step(const double dt)
{
    for (int i = 0; i < BODIES; i++)
        for (int j = i + 1; j < BODIES; j++)
        {
            const double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
            const double d2 = dx * dx + dy * dy + dz * dz + 0.01;
            const double mag = dt / (d2 * sqrt(d2));
            vx[i] -= dx * mass[j] * mag; vy[i] -= dy * mass[j] * mag; vz[i] -= dz * mass[j] * mag;
            vx[j] += dx * mass[i] * mag; vy[j] += dy * mass[i] * mag; vz[j] += dz * mass[i] * mag;
        }
    for (int i = 0; i < BODIES; i++)
    {
        px[i] += dt * vx[i]; py[i] += dt * vy[i]; pz[i] += dt * vz[i];
    }
}

static double jacobi_sweep(void)
{
    double residual = 0;
    for (int i = 1; i < GRID - 1; i++)
        for (int j = 1; j < GRID - 1; j++)
        {
            const double v = 0.25 * (grid[i - 1][j] + grid[i + 1][j] + grid[i][j - 1] + grid[i][j + 1]);
            residual += fabs(v - grid[i][j]);
            next_grid[i][j] = v;
        }
    for (int i = 1; i < GRID - 1; i++)
        for (int j = 1; j < GRID - 1; j++)
            grid[i][j] = next_grid[i][j];
    return residual;
}

static double polynomial(const double shift)
{
    static const double c[] = {1.0, -0.5, 0.16666666666666666, -0.041666666666666664, 0.008333333333333333,
        -0.001388888888888889, 0.0001984126984126984, -2.48015873015873e-05};
    double sum = 0;
    for (int k = 0; k < POINTS; k++)
    {
        const double x = shift + k * (1.0 / POINTS);
        double p = c[7];
        for (int i = 6; i >= 0; i--)
            p = fma(p, x, c[i]);
        sum += p / (1.0 + x * x);
    }
    return sum;
}

int main(int argc, char **argv)
{
    const long steps = argc > 1 ? atol(argv[1]) : 400;
    uint64_t seed = 0x853c49e6748fea9bull;
    for (int i = 0; i < BODIES; i++)
    {
        double r[7];
        for (int k = 0; k < 7; k++)
        {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            r[k] = (double)(seed >> 11) * (1.0 / 9007199254740992.0) - 0.5;
        }
        px[i] = r[0] * 10; py[i] = r[1] * 10; pz[i] = r[2] * 10;
        vx[i] = r[3] * 0.1; vy[i] = r[4] * 0.1; vz[i] = r[5] * 0.1;
        mass[i] = 1.0 + r[6];
    }
    for (int i = 0; i < GRID; i++)
    {
        grid[i][0] = grid[0][i] = 1.0;
        grid[i][GRID - 1] = grid[GRID - 1][i] = -1.0;
    }
    const double e0 = energy();
    double residual = 0, poly = 0;
    for (long s = 0; s < steps; s++)
    {
        nbody_step(0.001);
        if (s % 8 == 0)
            residual = jacobi_sweep();
        if (s % 4 == 0)
            poly += polynomial((double)(s % 64) / 64.0);
    }
    printf("fpkernel %ld steps\nenergy   %.17g -> %.17g\nresidual %.17g\npoly     %.17g\n", steps, e0, energy(),
        residual, poly);
    return 0;
}
