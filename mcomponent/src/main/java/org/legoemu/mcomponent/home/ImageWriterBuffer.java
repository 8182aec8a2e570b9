package org.legoemu.mcomponent.home;

import org.agrona.collections.Long2ObjectHashMap;
import org.legoemu.abi.elf.ImageWriter;
import org.legoemu.mcomponent.vm.AddressLayout;

import java.util.Arrays;

/**
 * Collects the bytes an execve writes (ELF segments, the initial stack) into whole 4 KiB pages, zero-filled where
 * nothing was written (fresh anonymous mappings read as zero), so each touched page can then be stored once at its
 * owner. Not thread-safe.
 */
final class ImageWriterBuffer implements ImageWriter
{
    private static final int PAGE_SIZE = (int)AddressLayout.PAGE_SIZE;

    private final Long2ObjectHashMap<byte[]> pages = new Long2ObjectHashMap<>();

    /** {@inheritDoc} */
    @Override
    public void write(final long vaddr, final byte[] src, final int off, final int len)
    {
        int done = 0;
        while (done < len)
        {
            final long at = vaddr + done;
            final long pageStart = AddressLayout.pageDown(at);
            final int inPage = (int)(at - pageStart);
            final int n = Math.min(len - done, PAGE_SIZE - inPage);
            byte[] page = pages.get(pageStart);
            if (page == null)
            {
                page = new byte[PAGE_SIZE];
                pages.put(pageStart, page);
            }
            System.arraycopy(src, off + done, page, inPage, n);
            done += n;
        }
    }

    /** The page-aligned addresses of the touched pages, ascending. */
    long[] pageAddresses()
    {
        final long[] addresses = new long[pages.size()];
        int i = 0;
        final Long2ObjectHashMap<byte[]>.KeyIterator it = pages.keySet().iterator();
        while (it.hasNext())
        {
            addresses[i++] = it.nextLong();
        }
        Arrays.sort(addresses);
        return addresses;
    }

    /** The 4096 bytes of a touched page, or null. */
    public byte[] page(final long pageAddress)
    {
        return pages.get(pageAddress);
    }
}
