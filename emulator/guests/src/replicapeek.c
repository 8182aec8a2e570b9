/*
 * replicapeek DIR FILE LINKDIR LINKFILE: an attacker's probe of a directory it must not reach (the sComponent's
 * replica backup area). DIR is an absolute path, FILE a file name inside it (relative to DIR), LINKDIR a symlink to
 * DIR and LINKFILE a symlink to DIR/FILE, both planted by the test. Every way of naming them is tried: absolute,
 * "/./" and "//" forms, ".." through the parent, relative after chdir, openat on a directory fd, the symlinks,
 * creation, rename, unlink, and a listing of the parent with getdents64 (readdir). One line per probe:
 * "NAME: ok" when the call succeeded (the area leaked) or "NAME: E..." with the errno's name.
 * Exits 0 when every probe failed and the listing did not show DIR, 1 otherwise.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int leaks;

static const char *errname(int e)
{
    switch (e)
    {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOTDIR: return "ENOTDIR";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case ELOOP: return "ELOOP";
    case EISDIR: return "EISDIR";
    default: return "E?";
    }
}

static void report(const char *name, int result)
{
    if (result >= 0)
    {
        printf("%s: ok\n", name);
        leaks++;
    }
    else
    {
        printf("%s: %s\n", name, errname(errno));
    }
}

static int try_stat(const char *path)
{
    struct stat st;
    return stat(path, &st);
}

static int try_open(const char *path, int flags)
{
    const int fd = open(path, flags, 0600);
    if (fd >= 0)
    {
        char buf[64];
        (void)read(fd, buf, sizeof buf);
        close(fd);
    }
    return fd;
}

static int try_openat(int dirfd, const char *path, int flags)
{
    const int fd = openat(dirfd, path, flags, 0600);
    if (fd >= 0)
    {
        close(fd);
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 5)
    {
        fprintf(stderr, "usage: replicapeek DIR FILE LINKDIR LINKFILE\n");
        return 2;
    }
    const char *dir = argv[1];
    const char *file = argv[2];
    char path[4096];
    char parent[4096];
    char base[256];

    const char *slash = strrchr(dir, '/');
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - dir), dir);
    if (parent[0] == '\0')
    {
        strcpy(parent, "/");
    }
    snprintf(base, sizeof base, "%s", slash + 1);
    const char *parentBase = strrchr(parent, '/') + 1;

    report("stat dir", try_stat(dir));
    report("open dir", try_open(dir, O_RDONLY | O_DIRECTORY));
    snprintf(path, sizeof path, "%s/%s", dir, file);
    report("open file", try_open(path, O_RDONLY));
    report("open file for writing", try_open(path, O_WRONLY));
    report("stat file", try_stat(path));
    snprintf(path, sizeof path, "/.%s/./%s", dir, file);
    report("open /./ form", try_open(path, O_RDONLY));
    snprintf(path, sizeof path, "/%s//%s", dir, file);
    report("open // form", try_open(path, O_RDONLY));
    snprintf(path, sizeof path, "%s/../%s/%s/%s", parent, *parentBase ? parentBase : ".", base, file);
    report("open .. form", try_open(path, O_RDONLY));
    snprintf(path, sizeof path, "/../../%s/%s", dir, file);
    report("open above root", try_open(path, O_RDONLY));
    snprintf(path, sizeof path, "%s/%s", dir, "planted");
    report("create file", try_open(path, O_WRONLY | O_CREAT));
    report("mkdir dir", mkdir(dir, 0700));
    snprintf(path, sizeof path, "%s/%s", dir, file);
    report("rename file out", rename(path, "/tmp/replicapeek-stolen"));
    report("unlink file", unlink(path));

    if (chdir(parent) == 0)
    {
        report("relative stat dir", try_stat(base));
        snprintf(path, sizeof path, "%s/%s", base, file);
        report("relative open file", try_open(path, O_RDONLY));
        snprintf(path, sizeof path, "./%s/../%s/%s", base, base, file);
        report("relative dotdot open", try_open(path, O_RDONLY));
        report("chdir into dir", chdir(base));
    }
    else
    {
        printf("chdir to parent failed: %s\n", errname(errno));
        leaks++;
    }

    const int parentFd = open(parent, O_RDONLY | O_DIRECTORY);
    if (parentFd >= 0)
    {
        report("openat dir", try_openat(parentFd, base, O_RDONLY | O_DIRECTORY));
        snprintf(path, sizeof path, "%s/%s", base, file);
        report("openat file", try_openat(parentFd, path, O_RDONLY));
        close(parentFd);
    }
    else
    {
        printf("open parent failed: %s\n", errname(errno));
        leaks++;
    }

    report("symlink to dir", try_open(argv[3], O_RDONLY | O_DIRECTORY));
    snprintf(path, sizeof path, "%s/%s", argv[3], file);
    report("symlink to dir, file", try_open(path, O_RDONLY));
    report("symlink to file", try_open(argv[4], O_RDONLY));

    DIR *listing = opendir(parent);
    if (listing == NULL)
    {
        printf("opendir parent failed: %s\n", errname(errno));
        leaks++;
    }
    else
    {
        int listed = 0;
        int entries = 0;
        struct dirent *entry;
        while ((entry = readdir(listing)) != NULL)
        {
            entries++;
            if (strcmp(entry->d_name, base) == 0)
            {
                listed = 1;
            }
        }
        closedir(listing);
        printf("listing of parent: %s (%s)\n", listed ? "shows dir" : "no dir", entries >= 2 ? "read" : "empty");
        leaks += listed;
    }
    printf("%d of the probes reached the area\n", leaks);
    return leaks == 0 ? 0 : 1;
}
