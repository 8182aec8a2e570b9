/* interp [ROUNDS]: an interpreter loop for `lego bench cpu`: a small stack-machine bytecode VM (switch dispatch,
 * so the guest's hot path is an indirect jump through a jump table) running three programs per round: an
 * iterative Fibonacci modulo a prime, a nested-loop sum of products with a call/return per inner step, and a
 * bubble sort over the VM's memory. Prints each program's result and the instructions the VM executed, so any
 * divergence from qemu-riscv64 shows. About 75 million instructions per round; default 4 rounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op
{
    PUSH, POP, DUP, SWAP, OVER, ADD, SUB, MUL, MOD, AND, XOR, SHL, SHR, LT, EQ,
    JMP, JZ, JNZ, CALL, RET, LOAD, STORE, LOADI, STOREI, HALT
};

#define MEM_WORDS 256
#define STACK_WORDS 64

typedef struct
{
    int64_t mem[MEM_WORDS];
    int64_t stack[STACK_WORDS];
    int32_t calls[STACK_WORDS];
    uint64_t executed;
} vm;

static int64_t run(vm *m, const int32_t *code)
{
    int64_t *sp = m->stack;
    int32_t *rp = m->calls;
    int32_t pc = 0;
    uint64_t executed = 0;
    for (;;)
    {
        const int32_t op = code[pc++];
        executed++;
        switch (op)
        {
        case PUSH: *sp++ = code[pc++]; break;
        case POP: sp--; break;
        case DUP: sp[0] = sp[-1]; sp++; break;
        case SWAP: { const int64_t t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; break; }
        case OVER: sp[0] = sp[-2]; sp++; break;
        case ADD: sp[-2] += sp[-1]; sp--; break;
        case SUB: sp[-2] -= sp[-1]; sp--; break;
        case MUL: sp[-2] *= sp[-1]; sp--; break;
        case MOD: sp[-2] = sp[-1] == 0 ? 0 : sp[-2] % sp[-1]; sp--; break;
        case AND: sp[-2] &= sp[-1]; sp--; break;
        case XOR: sp[-2] ^= sp[-1]; sp--; break;
        case SHL: sp[-2] = (int64_t)((uint64_t)sp[-2] << (sp[-1] & 63)); sp--; break;
        case SHR: sp[-2] = (int64_t)((uint64_t)sp[-2] >> (sp[-1] & 63)); sp--; break;
        case LT: sp[-2] = sp[-2] < sp[-1]; sp--; break;
        case EQ: sp[-2] = sp[-2] == sp[-1]; sp--; break;
        case JMP: pc = code[pc]; break;
        case JZ: pc = *--sp == 0 ? code[pc] : pc + 1; break;
        case JNZ: pc = *--sp != 0 ? code[pc] : pc + 1; break;
        case CALL: *rp++ = pc + 1; pc = code[pc]; break;
        case RET: pc = *--rp; break;
        case LOAD: *sp++ = m->mem[code[pc++] & (MEM_WORDS - 1)]; break;
        case STORE: m->mem[code[pc++] & (MEM_WORDS - 1)] = *--sp; break;
        case LOADI: sp[-1] = m->mem[sp[-1] & (MEM_WORDS - 1)]; break;
        case STOREI: m->mem[sp[-1] & (MEM_WORDS - 1)] = sp[-2]; sp -= 2; break;
        case HALT: m->executed += executed; return sp > m->stack ? sp[-1] : 0;
        default: fprintf(stderr, "interp: bad opcode %d at %d\n", op, pc - 1); exit(2);
        }
    }
}

int main(int argc, char **argv)
{
    /* The three programs, assembled with computed labels. Memory words: fib uses mem[0..2] (a, b, n), nested
     * mem[3..6] (i, j, acc, n), bubble sort mem[7..10] (n, i, swapped, swaps) and the keys at mem[16..16+n). */
    int32_t p_fib[64], p_nested[96], p_bubble[128];
    int n = 0;
#define E(x) (prog[n++] = (x))
    int32_t *prog;

    /* fib */
    prog = p_fib; n = 0;
    E(PUSH); E(0); E(STORE); E(0); E(PUSH); E(1); E(STORE); E(1);
    const int fib_loop = n;
    E(LOAD); E(2); E(JZ); const int fib_exit_at = n; E(0);
    E(LOAD); E(0); E(LOAD); E(1); E(ADD); E(PUSH); E(1000003); E(MOD);
    E(LOAD); E(1); E(STORE); E(0); E(STORE); E(1);
    E(LOAD); E(2); E(PUSH); E(1); E(SUB); E(STORE); E(2); E(JMP); E(fib_loop);
    prog[fib_exit_at] = n;
    E(LOAD); E(0); E(HALT);

    /* nested with a subroutine: acc += (i * 31 + j) ^ (j << 3) */
    prog = p_nested; n = 0;
    E(PUSH); E(0); E(STORE); E(3); E(PUSH); E(0); E(STORE); E(5);
    const int outer = n;
    E(LOAD); E(3); E(LOAD); E(6); E(LT); E(JZ); const int outer_exit = n; E(0);
    E(PUSH); E(0); E(STORE); E(4);
    const int inner = n;
    E(LOAD); E(4); E(LOAD); E(6); E(LT); E(JZ); const int inner_exit = n; E(0);
    E(CALL); const int call_at = n; E(0);
    E(LOAD); E(4); E(PUSH); E(1); E(ADD); E(STORE); E(4); E(JMP); E(inner);
    prog[inner_exit] = n;
    E(LOAD); E(3); E(PUSH); E(1); E(ADD); E(STORE); E(3); E(JMP); E(outer);
    prog[outer_exit] = n;
    E(LOAD); E(5); E(HALT);
    prog[call_at] = n;
    E(LOAD); E(3); E(PUSH); E(31); E(MUL); E(LOAD); E(4); E(ADD);
    E(LOAD); E(4); E(PUSH); E(3); E(SHL); E(XOR);
    E(LOAD); E(5); E(ADD); E(PUSH); E(0xFFFFFFF); E(AND); E(STORE); E(5); E(RET);

    /* bubble sort over mem[16 .. 16+n) */
    prog = p_bubble; n = 0;
    E(PUSH); E(0); E(STORE); E(10);
    const int pass = n;
    E(PUSH); E(0); E(STORE); E(9); E(PUSH); E(16); E(STORE); E(8);
    const int step = n;
    E(LOAD); E(8); E(PUSH); E(1); E(ADD); E(LOAD); E(7); E(PUSH); E(16); E(ADD); E(LT); E(JZ);
    const int step_exit = n; E(0);
    E(LOAD); E(8); E(LOADI); E(LOAD); E(8); E(PUSH); E(1); E(ADD); E(LOADI); /* a b */
    E(OVER); E(OVER); E(SWAP); E(LT); E(JNZ); const int do_swap = n; E(0); /* b < a ? */
    E(POP); E(POP);
    const int next = n;
    E(LOAD); E(8); E(PUSH); E(1); E(ADD); E(STORE); E(8); E(JMP); E(step);
    prog[do_swap] = n;
    /* stack: a b -> mem[i] = b, mem[i+1] = a */
    E(LOAD); E(8); E(STOREI); E(LOAD); E(8); E(PUSH); E(1); E(ADD); E(STOREI);
    E(PUSH); E(1); E(STORE); E(9); E(LOAD); E(10); E(PUSH); E(1); E(ADD); E(STORE); E(10);
    E(JMP); E(next);
    prog[step_exit] = n;
    E(LOAD); E(9); E(JNZ); E(pass); E(LOAD); E(10); E(HALT);
#undef E

    const long rounds = argc > 1 ? atol(argv[1]) : 4;
    static vm m;
    int64_t r_fib = 0, r_nested = 0, r_bubble = 0;
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    for (long round = 0; round < rounds; round++)
    {
        m.mem[2] = 200000 + round;
        r_fib ^= run(&m, p_fib);
        m.mem[6] = 300 + (round & 7);
        r_nested += run(&m, p_nested);
        m.mem[7] = 200;
        for (int i = 0; i < 200; i++)
        {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
            m.mem[16 + i] = (int64_t)(seed % 100000);
        }
        r_bubble += run(&m, p_bubble);
        for (int i = 16; i < 16 + 199; i++)
            if (m.mem[i] > m.mem[i + 1])
            {
                printf("interp: bubble sort left mem[%d] > mem[%d]\n", i, i + 1);
                return 1;
            }
    }
    printf("interp %ld rounds\nfib    %lld\nnested %lld\nbubble %lld swaps\nvm instructions %llu\n", rounds,
        (long long)r_fib, (long long)r_nested, (long long)r_bubble, (unsigned long long)m.executed);
    return 0;
}
