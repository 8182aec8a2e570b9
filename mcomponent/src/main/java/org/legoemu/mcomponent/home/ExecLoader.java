package org.legoemu.mcomponent.home;

import org.legoemu.abi.elf.ElfException;
import org.legoemu.abi.elf.ElfFile;
import org.legoemu.abi.elf.ElfImageLoader;
import org.legoemu.abi.elf.MemoryMapper;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.InitialStack;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.mcomponent.vregion.VRegionRouter;

import java.security.SecureRandom;
import java.util.List;

/**
 * Builds a new process image at the home mComponent, as LegoOS does execve at the memory side (LegoOS §5.2,
 * Linux fs/binfmt_elf.c {@code load_elf_binary}): maps and fills the PT_LOAD segments (a static-PIE at
 * {@link AddressLayout#PIE_LOAD_BIAS}), maps the 8 MiB stack at the top of user space, builds the initial stack
 * (argv, envp, auxv with AT_RANDOM from {@link SecureRandom}, uid/gid 0) and sets the program break after the
 * highest segment. Page contents are collected per page and then stored once at each page's owner.
 */
public final class ExecLoader
{
    /** AT_UID/AT_EUID/AT_GID/AT_EGID: guests run as root, as in a fresh container. */
    static final long GUEST_UID = 0;

    private final VRegionRouter router;
    private final SecureRandom random;

    /**
     * @param router stores pages at their owners.
     * @param random source of AT_RANDOM.
     */
    public ExecLoader(final VRegionRouter router, final SecureRandom random)
    {
        this.router = router;
        this.random = random;
    }

    /**
     * Loads {@code image} into the empty address space {@code space}.
     *
     * @param space  a fresh address space whose VMA changes reach the owners through {@code router}.
     * @param image  the executable's bytes.
     * @param path   the path given to execve (AT_EXECFN).
     * @param argv   arguments.
     * @param envp   environment.
     * @return entry, initial sp and program break.
     * @throws ElfException when the file is not a loadable static riscv64 executable.
     * @throws VmException  ENOMEM when a segment does not fit below the mmap area (qemu-riscv64: "Cannot allocate
     *                      memory"), checked before anything is mapped, so the work never depends on p_memsz.
     */
    public ExecImage load(
        final AddressSpace space,
        final byte[] image,
        final String path,
        final List<String> argv,
        final List<String> envp) throws ElfException
    {
        final ElfFile elf = ElfFile.parse(image);
        final long bias = elf.isPositionIndependent() ? AddressLayout.PIE_LOAD_BIAS : 0;
        for (final ElfFile.ProgramHeader ph : elf.loadSegments())
        {
            final long end = ph.vaddr() + bias + ph.memsz();
            if (end < ph.vaddr() || end > AddressLayout.MMAP_BASE)
            {
                throw new VmException(Errno.ENOMEM, "ELF segment at 0x" + Long.toHexString(ph.vaddr() + bias) +
                    " of " + ph.memsz() + " bytes does not fit below the mmap area at 0x" +
                    Long.toHexString(AddressLayout.MMAP_BASE) + ": Cannot allocate memory");
            }
        }
        final ImageWriterBuffer pages = new ImageWriterBuffer();
        final MemoryMapper mapper = new MemoryMapper()
        {
            public void map(final long start, final long length, final int prot)
            {
                space.mapFixed(start, length, prot);
            }

            public void protect(final long start, final long length, final int prot)
            {
                space.protectFixed(start, length, prot);
            }
        };
        final long brk = ElfImageLoader.load(elf, image, bias, mapper, pages);
        space.mapFixed(AddressLayout.STACK_START, AddressLayout.STACK_SIZE, Mman.PROT_READ | Mman.PROT_WRITE);
        final byte[] random16 = new byte[16];
        random.nextBytes(random16);
        final long entry = elf.entry() + bias;
        final InitialStack.AuxValues aux = new InitialStack.AuxValues(
            elf.phdrVaddr(bias), elf.phentsize(), elf.phnum(), entry, GUEST_UID, GUEST_UID, GUEST_UID, GUEST_UID);
        final long sp = InitialStack.build(pages, AddressLayout.TASK_SIZE, argv, envp, path, aux, random16);
        space.initBrk(brk);
        final long[] pageAddresses = pages.pageAddresses();
        for (int i = 0; i < pageAddresses.length; i++)
        {
            router.storePage(space, pageAddresses[i], pages.page(pageAddresses[i]), i == pageAddresses.length - 1);
        }
        return new ExecImage(entry, sp, brk);
    }
}
