/* smc: self-modifying code. Writes a tiny function into an RWX mapping,
 * calls it, rewrites it, and makes the new code visible first with
 * __builtin___clear_cache (glibc's __riscv_flush_icache, the
 * riscv_flush_icache syscall), then with fence.i, then from another thread
 * through riscv_flush_icache. Prints what each version returned. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

typedef long (*fn)(void);
static uint32_t *code;

/* calls the generated function often enough that an emulator compiles it */
static long hot(void)
{
    long sum = 0;
    for (int i = 0; i < 500; i++)
        sum += ((fn)code)();
    return sum / 500;
}

static void emit(long value)
{
    code[0] = 0x00000513u | ((uint32_t)value << 20); /* addi a0, zero, value */
    code[1] = 0x00008067u;                           /* ret */
}

static void *rewriter(void *arg)
{
    emit((long)arg);
    __builtin___clear_cache((char *)code, (char *)(code + 2));
    return NULL;
}

int main(void)
{
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    for (long v = 1; v <= 4; v++) {
        emit(v);
        __builtin___clear_cache((char *)code, (char *)(code + 2));
        printf("clear_cache %ld -> %ld\n", v, hot());
    }
    for (long v = 10; v <= 12; v++) {
        emit(v);
        __asm__ volatile("fence.i" ::: "memory");
        printf("fence.i     %ld -> %ld\n", v, hot());
    }
    for (long v = 20; v <= 22; v++) {
        pthread_t t;
        pthread_create(&t, NULL, rewriter, (void *)v);
        pthread_join(t, NULL);
        printf("thread      %ld -> %ld\n", v, hot());
    }
    return 0;
}
