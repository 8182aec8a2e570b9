/* hello: minimal guest. Prints a greeting and its argc/argv, exits 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from LegoEmu guest (riscv64 static ELF)\n");
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    return 0;
}
