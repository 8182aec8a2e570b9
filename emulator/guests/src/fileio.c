/* fileio: file syscalls in a scratch directory under the working directory: openat/write/read back, lseek
 * (SEEK_SET/CUR/END, past the end), ftruncate (shrink and extend with zeros), fsync, pread/pwrite, readv/writev,
 * dup/dup3/fcntl (shared offset, FD_CLOEXEC per descriptor, F_DUPFD lowest free >= arg), getdents64 through
 * opendir/readdir (names printed sorted), mkdirat/unlinkat/renameat/faccessat and getcwd; errno of the failing
 * cases (Linux man pages, section 2). Removes the scratch directory at the end (and any leftover at the start).
 * Exits 0, or 1 with a message when a step cannot continue. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define DIR_NAME "fileio-scratch"

static void step(const char *what, long rc)
{
    printf("%-36s = %ld%s%s\n", what, rc, rc < 0 ? " errno " : "", rc < 0 ? strerror(errno) : "");
}

static void cleanup(void)
{
    static const char *FILES[] = {DIR_NAME "/a.txt", DIR_NAME "/b.txt", DIR_NAME "/renamed.txt",
                                  DIR_NAME "/sub/inner.txt", DIR_NAME "/vec.bin"};
    for (unsigned i = 0; i < sizeof FILES / sizeof FILES[0]; i++)
    {
        unlink(FILES[i]);
    }
    rmdir(DIR_NAME "/sub");
    rmdir(DIR_NAME "/sub2");
    for (int i = 0; i < 300; i++)
    {
        char name[96];
        snprintf(name, sizeof name, DIR_NAME "/big/entry-with-a-longish-name-%04d", i);
        unlink(name);
    }
    rmdir(DIR_NAME "/big");
    rmdir(DIR_NAME);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
    {
        printf("opendir %s: %s\n", path, strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 64)
    {
        char type = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : '?';
        names[n] = malloc(strlen(e->d_name) + 3);
        sprintf(names[n], "%s%c", e->d_name, type);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    printf("listing of %s:", path);
    for (int i = 0; i < n; i++)
    {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void show_size(const char *what, int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
    {
        printf("%s: fstat %s\n", what, strerror(errno));
        return;
    }
    printf("%-36s size %lld regular %d\n", what, (long long)st.st_size, S_ISREG(st.st_mode));
}

/* More entries than one getdents64 call returns with glibc's buffer; rewinddir starts over. */
static void big_dir(int dfd)
{
    enum { FILES = 300 };
    char name[64];
    mkdirat(dfd, "big", 0755);
    const int big = openat(dfd, "big", O_RDONLY | O_DIRECTORY);
    for (int i = 0; i < FILES; i++)
    {
        snprintf(name, sizeof name, "entry-with-a-longish-name-%04d", i);
        close(openat(big, name, O_CREAT | O_WRONLY, 0600));
    }
    DIR *d = fdopendir(big);
    long sum = 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
    {
        n++;
        if (strncmp(e->d_name, "entry", 5) == 0)
        {
            sum += atoi(e->d_name + 26);
        }
    }
    rewinddir(d);
    int again = 0;
    while (readdir(d) != NULL)
    {
        again++;
    }
    printf("big dir: %d entries (sum of numbers %ld), %d after rewinddir\n", n, sum, again);
    for (int i = 0; i < FILES; i++)
    {
        snprintf(name, sizeof name, "entry-with-a-longish-name-%04d", i);
        unlinkat(dirfd(d), name, 0);
    }
    closedir(d);
    step("rmdir big", unlinkat(dfd, "big", AT_REMOVEDIR));
}

int main(void)
{
    char cwd[4096];
    const char *got = getcwd(cwd, sizeof cwd);
    printf("getcwd ok %d absolute %d\n", got != NULL, got != NULL && cwd[0] == '/');
    char tiny[1];
    errno = 0;
    printf("getcwd(1 byte) %s errno %s\n", getcwd(tiny, 1) == NULL ? "NULL" : "?", strerror(errno));

    cleanup();
    step("mkdir " DIR_NAME, mkdir(DIR_NAME, 0755));
    step("mkdir again (EEXIST)", mkdir(DIR_NAME, 0755));
    const int dfd = open(DIR_NAME, O_RDONLY | O_DIRECTORY);
    step("open dir", dfd >= 0 ? 0 : -1);
    step("mkdirat sub", mkdirat(dfd, "sub", 0700));
    step("mkdirat sub2", mkdirat(dfd, "sub2", 0700));
    step("mkdirat in missing dir (ENOENT)", mkdirat(dfd, "nope/x", 0700));

    int fd = openat(dfd, "a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0)
    {
        printf("openat a.txt: %s\n", strerror(errno));
        return 1;
    }
    printf("first fd %d\n", fd);
    const char *text = "hello, disaggregated world\nsecond line\n";
    step("write", write(fd, text, strlen(text)));
    step("lseek SEEK_CUR 0", lseek(fd, 0, SEEK_CUR));
    step("lseek SEEK_SET 7", lseek(fd, 7, SEEK_SET));
    char buf[256];
    ssize_t n = read(fd, buf, 13);
    printf("read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
    step("lseek SEEK_END -5", lseek(fd, -5, SEEK_END));
    step("lseek negative (EINVAL)", lseek(fd, -1000, SEEK_SET));
    step("lseek bad whence (EINVAL)", lseek(fd, 0, 42));
    step("lseek past end 100", lseek(fd, 100, SEEK_SET));
    step("write at 100 (hole)", write(fd, "X", 1));
    show_size("after hole", fd);
    step("pread at 90", pread(fd, buf, 20, 90));
    printf("hole bytes: %d %d %d %c\n", buf[0], buf[5], buf[9], buf[10]);
    step("ftruncate 10", ftruncate(fd, 10));
    show_size("after ftruncate 10", fd);
    step("ftruncate 5000", ftruncate(fd, 5000));
    show_size("after ftruncate 5000", fd);
    struct statx sx;
    step("statx a.txt", statx(dfd, "a.txt", 0, STATX_BASIC_STATS, &sx));
    printf("statx size %llu regular %d mode %o nlink %u basic %d\n", (unsigned long long)sx.stx_size,
           S_ISREG(sx.stx_mode), sx.stx_mode & 0777, sx.stx_nlink,
           (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
    step("statx AT_EMPTY_PATH on fd", statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx));
    printf("statx via fd size %llu\n", (unsigned long long)sx.stx_size);
    step("statx missing (ENOENT)", statx(dfd, "missing", 0, STATX_BASIC_STATS, &sx));
    step("statx dir", statx(AT_FDCWD, DIR_NAME, 0, STATX_TYPE, &sx));
    printf("statx dir is dir %d\n", S_ISDIR(sx.stx_mode));
    step("pread at 4990", pread(fd, buf, 64, 4990));
    step("pread at 6000 (EOF)", pread(fd, buf, 64, 6000));
    step("pwrite at 2", pwrite(fd, "ZZ", 2, 2));
    step("lseek after pwrite unchanged", lseek(fd, 0, SEEK_CUR));
    step("pread 0..12", pread(fd, buf, 12, 0));
    printf("content: %.12s\n", buf);
    step("pwrite negative offset (EINVAL)", pwrite(fd, "x", 1, -1));
    step("fsync", fsync(fd));
    step("fdatasync", fdatasync(fd));

    /* dup shares the offset; FD_CLOEXEC is per descriptor. */
    const int d1 = dup(fd);
    printf("dup -> %d\n", d1);
    step("lseek via fd to 3", lseek(fd, 3, SEEK_SET));
    step("offset seen via dup", lseek(d1, 0, SEEK_CUR));
    step("dup3 to 10 O_CLOEXEC", dup3(fd, 10, O_CLOEXEC));
    step("F_GETFD 10", fcntl(10, F_GETFD));
    step("F_GETFD fd", fcntl(fd, F_GETFD));
    step("F_SETFD fd cloexec", fcntl(fd, F_SETFD, FD_CLOEXEC));
    step("F_GETFD fd", fcntl(fd, F_GETFD));
    step("F_GETFL fd & O_ACCMODE", fcntl(fd, F_GETFL) & O_ACCMODE);
    step("F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
    step("F_DUPFD_CLOEXEC 20", fcntl(fd, F_DUPFD_CLOEXEC, 20));
    step("F_GETFD 21", fcntl(21, F_GETFD));
    step("dup3 same fd (EINVAL)", dup3(fd, fd, 0));
    step("dup2 same fd", dup2(fd, fd));
    step("dup bad fd (EBADF)", dup(77));
    step("fcntl bad fd (EBADF)", fcntl(77, F_GETFD));
    step("close 10", close(10));
    step("close 10 again (EBADF)", close(10));
    step("close 20", close(20));
    step("close 21", close(21));
    step("read via dup after close of others", read(d1, buf, 4));
    step("close dup", close(d1));
    step("read via original still works", pread(fd, buf, 4, 0));
    close(fd);

    /* readv / writev */
    fd = openat(dfd, "vec.bin", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    struct iovec out[3] = {{"alpha ", 6}, {"", 0}, {"beta gamma\n", 11}};
    step("writev", writev(fd, out, 3));
    step("read on O_WRONLY (EBADF)", read(fd, buf, 1));
    close(fd);
    fd = openat(dfd, "vec.bin", O_RDONLY);
    char p1[4], p2[5], p3[32];
    struct iovec in[3] = {{p1, sizeof p1}, {p2, sizeof p2}, {p3, sizeof p3}};
    step("readv", readv(fd, in, 3));
    printf("readv parts: %.4s|%.5s|%.8s\n", p1, p2, p3);
    step("write on O_RDONLY (EBADF)", write(fd, "x", 1));
    step("readv at EOF", readv(fd, in, 3));
    close(fd);

    /* append */
    fd = openat(dfd, "b.txt", O_CREAT | O_WRONLY | O_APPEND, 0644);
    step("append 1", write(fd, "one\n", 4));
    step("lseek 0 then append", lseek(fd, 0, SEEK_SET));
    step("append 2", write(fd, "two\n", 4));
    show_size("b.txt", fd);
    close(fd);
    step("O_EXCL on existing (EEXIST)", openat(dfd, "b.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    step("open missing (ENOENT)", openat(dfd, "missing.txt", O_RDONLY));
    step("open file as dir (ENOTDIR)", openat(dfd, "b.txt", O_RDONLY | O_DIRECTORY));
    step("open dir for writing (EISDIR)", openat(dfd, "sub", O_WRONLY));

    /* faccessat */
    step("faccessat a.txt F_OK", faccessat(dfd, "a.txt", F_OK, 0));
    step("faccessat a.txt R_OK|W_OK", faccessat(dfd, "a.txt", R_OK | W_OK, 0));
    step("faccessat missing (ENOENT)", faccessat(dfd, "zzz", F_OK, 0));
    step("access relative path", access(DIR_NAME "/sub", F_OK));
    step("access through file (ENOTDIR)", access(DIR_NAME "/a.txt/x", F_OK));

    /* renameat */
    step("renameat a.txt -> renamed.txt", renameat(dfd, "a.txt", dfd, "renamed.txt"));
    step("old name gone (ENOENT)", faccessat(dfd, "a.txt", F_OK, 0));
    step("rename over existing b.txt", rename(DIR_NAME "/renamed.txt", DIR_NAME "/b.txt"));
    fd = openat(dfd, "b.txt", O_RDONLY);
    show_size("b.txt after rename over", fd);
    close(fd);
    step("rename b.txt into sub/inner.txt", renameat(dfd, "b.txt", dfd, "sub/inner.txt"));
    step("rename missing (ENOENT)", renameat(dfd, "nothing", dfd, "other"));
    step("rename sub2 over non-empty sub (ENOTEMPTY)", renameat(dfd, "sub2", dfd, "sub") == 0 ? 0 : -1);
    list_dir(DIR_NAME);
    list_dir(DIR_NAME "/sub");

    /* unlinkat */
    step("unlinkat dir without flag (EISDIR)", unlinkat(dfd, "sub", 0));
    step("rmdir non-empty (ENOTEMPTY)", unlinkat(dfd, "sub", AT_REMOVEDIR));
    step("unlinkat file with AT_REMOVEDIR (ENOTDIR)", unlinkat(dfd, "vec.bin", AT_REMOVEDIR));
    step("unlinkat sub/inner.txt", unlinkat(dfd, "sub/inner.txt", 0));
    step("unlinkat vec.bin", unlinkat(dfd, "vec.bin", 0));
    step("unlinkat missing (ENOENT)", unlinkat(dfd, "vec.bin", 0));
    step("rmdir sub", unlinkat(dfd, "sub", AT_REMOVEDIR));
    step("rmdir sub2", rmdir(DIR_NAME "/sub2"));
    list_dir(DIR_NAME);
    big_dir(dfd);
    close(dfd);
    step("rmdir scratch", rmdir(DIR_NAME));
    step("scratch gone (ENOENT)", access(DIR_NAME, F_OK));
    return 0;
}
