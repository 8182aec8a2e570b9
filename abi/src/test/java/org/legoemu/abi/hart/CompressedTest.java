package org.legoemu.abi.hart;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RVC expansion checked against GNU as: each row is the compressed and the 32-bit encoding of one instruction. */
class CompressedTest
{
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "c.addi4spn a0, sp, 16|0x0808|0x01010513",
        "c.addi4spn s1, sp, 1020|0x1fe4|0x3fc10493",
        "c.fld fa0, 8(a1)|0x2588|0x0085b507",
        "c.fld fs1, 248(a5)|0x3fe4|0x0f87b487",
        "c.lw a2, 4(a3)|0x42d0|0x0046a603",
        "c.lw a5, 124(s0)|0x5c7c|0x07c42783",
        "c.ld a4, 8(a5)|0x6798|0x0087b703",
        "c.ld s0, 248(s1)|0x7ce0|0x0f84b403",
        "c.fsd fa0, 16(a1)|0xa988|0x00a5b827",
        "c.sw a0, 64(a1)|0xc1a8|0x04a5a023",
        "c.sd a3, 120(a4)|0xff34|0x06d73c23",
        "c.nop|0x0001|0x00000013",
        "c.addi a0, -1|0x157d|0xfff50513",
        "c.addi t6, 31|0x0ffd|0x01ff8f93",
        "c.addiw a1, -32|0x3581|0xfe05859b",
        "c.addiw s2, 0|0x2901|0x0009091b",
        "c.li t0, -32|0x5281|0xfe000293",
        "c.li a0, 5|0x4515|0x00500513",
        "c.addi16sp sp, -512|0x7101|0xe0010113",
        "c.addi16sp sp, 496|0x617d|0x1f010113",
        "c.addi16sp sp, 16|0x6141|0x01010113",
        "c.lui a0, 1|0x6505|0x00001537",
        "c.lui a1, 0xfffe0|0x7581|0xfffe05b7",
        "c.lui t3, 31|0x6e7d|0x0001fe37",
        "c.srli a0, 63|0x917d|0x03f55513",
        "c.srli s1, 1|0x8085|0x0014d493",
        "c.srai a1, 32|0x9581|0x4205d593",
        "c.andi a2, -1|0x9a7d|0xfff67613",
        "c.andi a3, 17|0x8ac5|0x0116f693",
        "c.sub a0, a1|0x8d0d|0x40b50533",
        "c.xor s0, s1|0x8c25|0x00944433",
        "c.or a4, a5|0x8f5d|0x00f76733",
        "c.and a2, a3|0x8e75|0x00d67633",
        "c.subw a0, a5|0x9d1d|0x40f5053b",
        "c.addw s1, a2|0x9cb1|0x00c484bb",
        "c.slli a0, 63|0x157e|0x03f51513",
        "c.slli t1, 3|0x030e|0x00331313",
        "c.fldsp fa1, 504(sp)|0x35fe|0x1f813587",
        "c.lwsp ra, 252(sp)|0x50fe|0x0fc12083",
        "c.lwsp t2, 4(sp)|0x4392|0x00412383",
        "c.ldsp s11, 504(sp)|0x7dfe|0x1f813d83",
        "c.ldsp a0, 8(sp)|0x6522|0x00813503",
        "c.jr ra|0x8082|0x00008067",
        "c.jr t4|0x8e82|0x000e8067",
        "c.mv a0, a1|0x852e|0x00b00533",
        "c.ebreak|0x9002|0x00100073",
        "c.jalr a5|0x9782|0x000780e7",
        "c.add a0, t6|0x957e|0x01f50533",
        "c.fsdsp fs0, 504(sp)|0xbfa2|0x1e813c27",
        "c.swsp a0, 252(sp)|0xdfaa|0x0ea12e23",
        "c.sdsp ra, 504(sp)|0xff86|0x1e113c23",
        "c.sdsp s1, 0(sp)|0xe026|0x00913023",
        "c.j .+2046|0xaffd|0x7fe0006f",
        "c.j .-2048|0xb001|0x801ff06f",
        "c.j .+2|0xa009|0x0020006f",
        "c.j .-1366|0xb46d|0xaabff06f",
        "c.beqz a0, .+254|0xcd7d|0x0e050f63",
        "c.beqz s1, .-256|0xd081|0xf00480e3",
        "c.bnez a5, .+86|0xebb9|0x04079b63",
        "c.bnez a2, .-170|0xfa39|0xf4061be3",
    })
    void expandsLikeTheAssembler(final String asm, final String compressed, final String expanded)
    {
        final int c = Integer.decode(compressed);
        final int expected = (int)Long.decode(expanded).longValue();
        assertEquals(Integer.toHexString(expected), Integer.toHexString(Compressed.expand(c)), asm);
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(ints = {
        0x0000, // all-zero parcel
        0x0010, // c.addi4spn with nzuimm 0
        0x8000, // quadrant 0 funct3 100 reserved
        0x2001, // c.addiw rd=0
        0x6101, // c.addi16sp 0
        0x6501, // c.lui nzimm 0
        0x9C41, // reserved RV64 misc-alu
        0x9C61, // reserved RV64 misc-alu
        0x4002, // c.lwsp rd=0
        0x6002, // c.ldsp rd=0
        0x8002, // c.jr x0
    })
    void reservedEncodingsAreIllegal(final int c)
    {
        assertEquals(Compressed.ILLEGAL, Compressed.expand(c));
    }
}
