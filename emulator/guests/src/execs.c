/* execs: execve(2) of another program. "execs direct PROG ARGS..." replaces itself with PROG; "execs fork PROG
 * ARGS..." and "execs vfork PROG ARGS..." run PROG in a child (fork or vfork, then execve) and, once it has ended,
 * print how. PROG gets argv[0] = PROG and the caller's environment. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 3)
    {
        fprintf(stderr, "usage: execs direct|fork|vfork PROG [ARGS...]\n");
        return 2;
    }
    char **prog_argv = argv + 2;
    if (strcmp(argv[1], "direct") == 0)
    {
        execve(prog_argv[0], prog_argv, environ);
        perror("execve");
        return 127;
    }
    fflush(stdout);
    pid_t pid = strcmp(argv[1], "vfork") == 0 ? vfork() : fork();
    if (pid == 0)
    {
        execve(prog_argv[0], prog_argv, environ);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
    {
        perror("waitpid");
        return 1;
    }
    printf("exec'd child: exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
