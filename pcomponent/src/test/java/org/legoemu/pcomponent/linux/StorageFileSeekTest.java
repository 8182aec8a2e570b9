package org.legoemu.pcomponent.linux;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.linux.Errno;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * lseek(2) on a storage file (issue 14): offsets up to the file system's largest file are taken, beyond it and below
 * 0 are EINVAL (fs/read_write.c vfs_setpos), as qemu-riscv64 gives on ext4. SEEK_SET and SEEK_CUR need no round trip.
 */
class StorageFileSeekTest
{
    @Test
    void offsetsPastTheLargestFileOrBelowZeroAreEinval()
    {
        final StorageFile file = new StorageFile(null, "/data", 0, false);
        assertEquals(1L << 40, file.seek(1L << 40, 0));
        assertEquals(StorageFile.MAX_FILE_BYTES, file.seek(StorageFile.MAX_FILE_BYTES - (1L << 40), 1));
        assertEquals(-Errno.EINVAL, file.seek(1L << 62, 0), "2^62: past ext4's 16 TiB");
        assertEquals(-Errno.EINVAL, file.seek(1, 1), "one past the largest file");
        assertEquals(-Errno.EINVAL, file.seek(-1, 0));
        assertEquals(-Errno.EINVAL, file.seek(Long.MAX_VALUE, 1), "no overflow");
        assertEquals(StorageFile.MAX_FILE_BYTES, file.seek(0, 1), "failed seeks leave the offset");
    }
}
