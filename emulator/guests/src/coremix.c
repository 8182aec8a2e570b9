/* coremix [ITERATIONS]: a CoreMark-like CPU-bound mix for `lego bench cpu` (written for LegoEmu, not CoreMark
 * itself): per iteration, a linked-list workload (find, reverse, merge sort of a 256-node list by a data-dependent
 * key), a 24x24 int16 matrix workload (add constant, multiply by a constant, matrix times vector, matrix times
 * matrix, with bit extraction), a state machine scanning a 512-byte buffer of numbers (integers, decimals,
 * scientific notation, invalid tokens) and CRC-16 over the results of each kernel, chained across iterations.
 * Prints the final CRC and per-kernel checksums, so any divergence from qemu-riscv64 shows. About 1.6 million
 * instructions per iteration; default 200 iterations. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_N 256
#define MAT_N 24
#define STATE_BYTES 512

typedef struct node
{
    struct node *next;
    int16_t data;
    int16_t idx;
} node;

static node pool[LIST_N];
static int16_t ma[MAT_N * MAT_N], mb[MAT_N * MAT_N];
static int32_t mc[MAT_N * MAT_N];
static char text[STATE_BYTES + 1];

static uint16_t crc16_byte(uint8_t data, uint16_t crc)
{
    for (int i = 0; i < 8; i++)
    {
        const uint8_t x16 = (uint8_t)((data & 1) ^ ((uint8_t)crc & 1));
        data >>= 1;
        if (x16 == 1)
        {
            crc ^= 0x4002;
            crc = (uint16_t)((crc >> 1) | 0x8000);
        }
        else
        {
            crc >>= 1;
        }
    }
    return crc;
}

static uint16_t crc16(int32_t v, uint16_t crc)
{
    crc = crc16_byte((uint8_t)v, crc);
    crc = crc16_byte((uint8_t)(v >> 8), crc);
    crc = crc16_byte((uint8_t)(v >> 16), crc);
    return crc16_byte((uint8_t)(v >> 24), crc);
}

/* ---- list ---- */

static node *list_build(uint32_t seed)
{
    node *head = NULL;
    for (int i = LIST_N - 1; i >= 0; i--)
    {
        seed = seed * 1103515245u + 12345u;
        pool[i].data = (int16_t)(seed >> 16);
        pool[i].idx = (int16_t)i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static node *list_reverse(node *list)
{
    node *prev = NULL;
    while (list)
    {
        node *next = list->next;
        list->next = prev;
        prev = list;
        list = next;
    }
    return prev;
}

static int list_key(const node *a, int by_idx)
{
    return by_idx ? a->idx : (a->data & 0xff) * 256 + ((a->data >> 8) & 0xff);
}

static node *list_sort(node *list, int by_idx)
{
    int insize = 1;
    for (;;)
    {
        node *p = list, *tail = NULL;
        list = NULL;
        int merges = 0;
        while (p)
        {
            merges++;
            node *q = p;
            int psize = 0;
            for (int i = 0; i < insize && q; i++)
            {
                psize++;
                q = q->next;
            }
            int qsize = insize;
            while (psize > 0 || (qsize > 0 && q))
            {
                node *e;
                if (psize == 0)
                {
                    e = q; q = q->next; qsize--;
                }
                else if (qsize == 0 || !q || list_key(p, by_idx) <= list_key(q, by_idx))
                {
                    e = p; p = p->next; psize--;
                }
                else
                {
                    e = q; q = q->next; qsize--;
                }
                if (tail)
                    tail->next = e;
                else
                    list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1)
            return list;
        insize *= 2;
    }
}

static uint16_t list_bench(uint32_t seed, uint16_t crc)
{
    node *list = list_build(seed);
    int found = 0;
    for (int i = 0; i < 32; i++)
    {
        const int16_t want = (int16_t)(i * 37);
        for (node *n = list; n; n = n->next)
            if ((n->data & 0x7ff) == want || n->idx == want)
            {
                found += n->idx;
                break;
            }
    }
    list = list_reverse(list);
    list = list_sort(list, 0);
    for (node *n = list; n; n = n->next)
        crc = crc16(n->data, crc);
    list = list_sort(list, 1);
    crc = crc16(list->data, crc);
    return crc16(found, crc);
}

/* ---- matrix ---- */

static uint16_t matrix_bench(uint32_t seed, uint16_t crc)
{
    for (int i = 0; i < MAT_N * MAT_N; i++)
    {
        seed = seed * 1664525u + 1013904223u;
        ma[i] = (int16_t)((seed >> 20) - 2048);
        mb[i] = (int16_t)((seed >> 8) & 0xfff);
    }
    for (int i = 0; i < MAT_N * MAT_N; i++)
        ma[i] = (int16_t)(ma[i] + (int16_t)seed);
    int64_t sum = 0;
    for (int i = 0; i < MAT_N * MAT_N; i++)
        sum += (int32_t)ma[i] * (int16_t)(seed >> 3);
    crc = crc16((int32_t)sum, crc);
    for (int i = 0; i < MAT_N; i++)
    {
        int32_t acc = 0;
        for (int j = 0; j < MAT_N; j++)
            acc += ma[i * MAT_N + j] * mb[j];
        mc[i] = acc;
        crc = crc16(acc, crc);
    }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++)
        {
            int32_t acc = 0;
            for (int k = 0; k < MAT_N; k++)
                acc += ((ma[i * MAT_N + k] * mb[k * MAT_N + j]) >> 2) & 0x7ffff;
            mc[i * MAT_N + j] = acc;
        }
    for (int i = 0; i < MAT_N * MAT_N; i++)
        crc = crc16_byte((uint8_t)(mc[i] ^ (mc[i] >> 11)), crc);
    return crc;
}

/* ---- state machine ---- */

enum state { START, INVALID, S1, S2, INT, FLOAT, EXPONENT, SCIENTIFIC, NSTATES };

static uint16_t state_bench(uint32_t seed, uint16_t crc)
{
    static const char *const tokens[] = {"5012", "1234", "-874", "+122", "35.54", ".1234", "-110.7", "-.24",
        "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^"};
    int pos = 0;
    while (pos < STATE_BYTES - 10)
    {
        seed = seed * 1103515245u + 12345u;
        const char *t = tokens[(seed >> 16) & 15];
        const int len = (int)strlen(t);
        memcpy(text + pos, t, (size_t)len);
        pos += len;
        text[pos++] = ',';
    }
    text[pos] = 0;
    uint32_t counts[NSTATES] = {0};
    uint32_t transitions = 0;
    const char *p = text;
    while (*p)
    {
        enum state s = START;
        for (; *p && *p != ','; p++)
        {
            const char c = *p;
            const enum state before = s;
            switch (s)
            {
            case START:
                if (c >= '0' && c <= '9') s = INT;
                else if (c == '+' || c == '-') s = S1;
                else if (c == '.') s = FLOAT;
                else s = INVALID;
                break;
            case S1:
                if (c >= '0' && c <= '9') s = INT;
                else if (c == '.') s = FLOAT;
                else s = INVALID;
                break;
            case INT:
                if (c == '.') s = FLOAT;
                else if (!(c >= '0' && c <= '9')) s = INVALID;
                break;
            case FLOAT:
                if (c == 'E' || c == 'e') s = S2;
                else if (!(c >= '0' && c <= '9')) s = INVALID;
                break;
            case S2:
                if (c == '+' || c == '-') s = EXPONENT;
                else s = INVALID;
                break;
            case EXPONENT:
                if (c >= '0' && c <= '9') s = SCIENTIFIC;
                else s = INVALID;
                break;
            case SCIENTIFIC:
                if (!(c >= '0' && c <= '9')) s = INVALID;
                break;
            default:
                break;
            }
            transitions += s != before;
        }
        counts[s]++;
        if (*p)
            p++;
    }
    for (int i = 0; i < NSTATES; i++)
        crc = crc16((int32_t)counts[i], crc);
    return crc16((int32_t)transitions, crc);
}

int main(int argc, char **argv)
{
    const long iterations = argc > 1 ? atol(argv[1]) : 200;
    uint16_t crc = 0, crc_list = 0, crc_matrix = 0, crc_state = 0;
    for (long i = 0; i < iterations; i++)
    {
        const uint32_t seed = (uint32_t)(i * 2654435761u);
        crc_list = list_bench(seed, crc_list);
        crc_matrix = matrix_bench(seed, crc_matrix);
        crc_state = state_bench(seed, crc_state);
        crc = crc16(crc_list ^ (crc_matrix << 16), crc16(crc_state, crc));
    }
    printf("coremix %ld iterations\n", iterations);
    printf("list   crc 0x%04x\nmatrix crc 0x%04x\nstate  crc 0x%04x\nfinal  crc 0x%04x\n", crc_list, crc_matrix,
        crc_state, crc);
    return 0;
}
