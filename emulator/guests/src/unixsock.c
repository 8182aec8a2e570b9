/* unixsock: AF_UNIX sockets as the cluster supports them (issue 15). glibc's NSS first probes nscd with
 * socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK) and connect("/var/run/nscd/socket"), and falls back to
 * the files when that fails with ENOENT: the probe is replayed here, with connects to an existing non-socket file and
 * to an abstract address (ECONNREFUSED: nobody listens), I/O on an unconnected socket, fstat's file type, and a
 * socketpair between a process and its forked child (ping/pong with read/write and send/recv, end of file once the
 * peer is closed). Prints one line per step; output depends on nothing else. Exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void step(const char *what, long rc)
{
    printf("%-40s = %ld%s%s\n", what, rc, rc < 0 ? " errno " : "", rc < 0 ? strerror(errno) : "");
    fflush(stdout);
}

static long connect_to(int fd, const char *path, int abstract)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path + (abstract ? 1 : 0), path);
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1 + (abstract ? 0 : 0);
    return connect(fd, (struct sockaddr *)&addr, len);
}

int main(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    step("socket(AF_UNIX) nscd probe", fd < 0 ? fd : 0);
    step("connect /var/run/nscd/socket", connect_to(fd, "/var/run/nscd/socket", 0));
    struct stat st;
    step("fstat", fstat(fd, &st));
    printf("S_ISSOCK %d\n", S_ISSOCK(st.st_mode));
    step("F_GETFL has O_NONBLOCK", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    char buf[32];
    step("write unconnected", write(fd, "x", 1) < 0 ? -1 : 1);
    close(fd);

    mkdir("unixsock-scratch", 0755);
    close(open("unixsock-scratch/plain", O_CREAT | O_WRONLY, 0644));
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    step("connect to a regular file", connect_to(fd, "unixsock-scratch/plain", 0));
    step("connect to a missing directory", connect_to(fd, "unixsock-scratch/none/sock", 0));
    step("connect to abstract name", connect_to(fd, "lego-nobody-listens-here", 1));
    close(fd);
    unlink("unixsock-scratch/plain");
    rmdir("unixsock-scratch");
    step("socket bad type", socket(AF_UNIX, 77, 0));

    int sv[2];
    step("socketpair", socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    pid_t child = fork();
    if (child == 0)
    {
        close(sv[0]);
        long n = read(sv[1], buf, sizeof buf);
        if (n == 4 && memcmp(buf, "ping", 4) == 0)
        {
            send(sv[1], "pong", 4, 0);
        }
        n = recv(sv[1], buf, sizeof buf, 0);
        write(sv[1], buf, n > 0 ? n : 0);
        _exit(0);
    }
    close(sv[1]);
    step("write ping", write(sv[0], "ping", 4));
    long n = read(sv[0], buf, sizeof buf);
    step("read", n);
    printf("got %.*s\n", (int)(n > 0 ? n : 0), buf);
    step("send echo", send(sv[0], "echo me", 7, 0));
    n = recv(sv[0], buf, sizeof buf, 0);
    step("recv", n);
    printf("got %.*s\n", (int)(n > 0 ? n : 0), buf);
    int status = 0;
    waitpid(child, &status, 0);
    step("child status", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    step("read after peer exit (EOF)", read(sv[0], buf, sizeof buf));
    close(sv[0]);
    return 0;
}
