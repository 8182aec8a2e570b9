package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.legoemu.fabric.Errnos;

/** A file operation that fails with a Linux errno; the adapter turns it into ErrorReply. */
public final class StorageException extends RuntimeException
{
    private final int errno;

    /**
     * @param errno   positive Linux errno, see {@link Errnos}.
     * @param message one-line reason, sent as the ErrorReply text (namespace paths only, never host paths).
     */
    public StorageException(final int errno, final String message)
    {
        super(message, null, false, false);
        this.errno = errno;
    }

    /** Positive Linux errno. */
    public int errno()
    {
        return errno;
    }

    /**
     * Maps a host I/O failure to the errno Linux would report.
     *
     * @param ex            the failure.
     * @param namespacePath the path as the client named it, for the message.
     */
    public static StorageException fromIo(final IOException ex, final String namespacePath)
    {
        final int errno;
        if (ex instanceof NoSuchFileException)
        {
            errno = Errnos.ENOENT;
        }
        else if (ex instanceof DirectoryNotEmptyException)
        {
            errno = Errnos.ENOTEMPTY;
        }
        else if (ex instanceof FileAlreadyExistsException)
        {
            errno = Errnos.EEXIST;
        }
        else if (ex instanceof AccessDeniedException)
        {
            errno = Errnos.EACCES;
        }
        else if (ex instanceof NotDirectoryException)
        {
            errno = Errnos.ENOTDIR;
        }
        else if (ex instanceof FileSystemLoopException)
        {
            errno = Errnos.ELOOP;
        }
        else if (ex instanceof FileSystemException)
        {
            errno = fromReason(((FileSystemException)ex).getReason());
        }
        else
        {
            errno = fromReason(ex.getMessage());
        }
        return new StorageException(errno, namespacePath + ": " + describe(errno));
    }

    private static int fromReason(final String reason)
    {
        if (reason == null)
        {
            return Errnos.EIO;
        }
        if (reason.contains("Too many levels of symbolic links"))
        {
            return Errnos.ELOOP;
        }
        if (reason.contains("Is a directory"))
        {
            return Errnos.EISDIR;
        }
        if (reason.contains("Not a directory"))
        {
            return Errnos.ENOTDIR;
        }
        if (reason.contains("No space left"))
        {
            return Errnos.ENOSPC;
        }
        if (reason.contains("File name too long"))
        {
            return Errnos.ENAMETOOLONG;
        }
        if (reason.contains("Directory not empty"))
        {
            return Errnos.ENOTEMPTY;
        }
        if (reason.contains("File too large"))
        {
            return Errnos.EFBIG;
        }
        if (reason.contains("Permission denied") || reason.contains("Operation not permitted"))
        {
            return Errnos.EACCES;
        }
        return Errnos.EIO;
    }

    private static String describe(final int errno)
    {
        switch (errno)
        {
            case Errnos.ENOENT: return "no such file or directory";
            case Errnos.EEXIST: return "file exists";
            case Errnos.EACCES: return "permission denied";
            case Errnos.ENOTDIR: return "not a directory";
            case Errnos.EISDIR: return "is a directory";
            case Errnos.ELOOP: return "too many levels of symbolic links";
            case Errnos.ENOSPC: return "no space left on device";
            case Errnos.ENAMETOOLONG: return "file name too long";
            case Errnos.EFBIG: return "file too large";
            case Errnos.ENOTEMPTY: return "directory not empty";
            default: return "I/O error";
        }
    }
}
