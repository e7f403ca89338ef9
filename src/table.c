/*
 * table.c - the mapping table (see table.h).
 *
 * Entries (struct table_entry with the universal address at its end) live
 * in slab slots of three sizes, 64, 96 and 192 bytes, allocated 256 at a
 * time and never moved; a slot is named by a 32-bit number (its size
 * class in the top bits, 0 for none), so the links cost 4 bytes each and
 * no malloc header is paid per entry.  Entries are threaded on three
 * structures:
 *
 *   - a chained hash on (prog, vers, netid) through tl_hnext, whose bucket
 *     array (of slot numbers) doubles whenever there are more entries than
 *     buckets, so a lookup walks about one entry whatever the size of the
 *     table;
 *   - a per-program chain through tl_pnext, whose heads live in an
 *     open-addressed array indexed by program (linear probing, at most
 *     three quarters full, deletion by backward shift): version fallback
 *     and per-(prog, vers) UNSET walk the entries of one program only;
 *   - a doubly linked list in registration order through tl_prev/tl_next,
 *     for DUMP.
 *
 * Netids are interned: every entry of one netid points to the same string,
 * so the key hash mixes the pointer and key comparison is a pointer
 * comparison.  The first few interned netids are also kept in a short
 * array that a lookup scans before hashing (there are five in practice).  Netids compare case-insensitively (ASCII), as rpcbind's
 * lookups do with strcasecmp(); the interned spelling is the lower-case one,
 * so "TCP" and "tcp" are one netid, stored and reported as "tcp" (and so
 * visible to the v2 view, which looks for "udp"/"tcp").
 *
 * Per-owner entry counts live in a small chained hash of owner -> count
 * whose nodes are freed when their count drops to zero.
 *
 * Pure: no I/O, no clock.  Allocation failure is reported as TABLE_FULL.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmap_prot.h"
#include "table.h"
#include "uaddr.h"

struct tab_netid {
	struct tab_netid	*next;
	uint32_t		 hash;
	uint32_t		 refs;
	char			 name[];
};

struct tab_owner {
	struct tab_owner	*next;
	int32_t			 owner;
	uint32_t		 count;
};

/*
 * Slab slots: three sizes.  A block is 16 KB, aligned on 16 KB, with the
 * table's address in its first 64 bytes, so that table_next() can go from
 * an entry to its table.  A slot number is class << 30 | block << 8 |
 * slot; 0 (class 0, block 0, slot 0) is never handed out and means none.
 */
#define TAB_NCLASS	3
#define TAB_CLASS_SHIFT	30
#define TAB_INDEX_MASK	((1u << TAB_CLASS_SHIFT) - 1)
#define TAB_SLOT_BITS	8
#define TAB_BLOCK_BYTES	16384u
#define TAB_BLOCK_HDR	64u
#define TAB_FAST_NIDS	8		/* netids scanned before hashing */
#define TAB_REGION_BLOCKS 16		/* blocks mapped at once (256 KB) */

static const size_t tab_class_size[TAB_NCLASS] = { 64, 96, 192 };
/* (TAB_BLOCK_BYTES - TAB_BLOCK_HDR) / size, at most 1 << TAB_SLOT_BITS */
static const uint32_t tab_class_slots[TAB_NCLASS] = { 255, 170, 85 };

struct tab_slab {
	uint8_t		**blocks;
	size_t		  nblocks, cap;
	uint32_t	  slot;		/* next unused slot in the last block */
	uint32_t	  free;		/* a freed slot (its tl_next: the next), 0 */
};

struct table {
	struct tab_slab		  slab[TAB_NCLASS];
	/*
	 * Blocks come from aligned mappings of TAB_REGION_BLOCKS blocks
	 * (malloc's aligned allocations leave fragments between blocks);
	 * a page is resident only once a block on it is in use.
	 */
	void			**regions;
	size_t			  nregions;
	uint8_t			 *rnext;	/* next unused block of the last region */
	size_t			  rleft;	/* ... and how many are left */
	uint32_t		 *keys;		/* key hash buckets */
	size_t			  nkeys;	/* power of two */
	uint32_t		 *progs;	/* program chain heads, open addressing */
	size_t			  nprogslots;	/* power of two */
	size_t			  nprogs;
	struct tab_netid	**nids;		/* interned netids */
	size_t			  nnidslots;	/* power of two */
	size_t			  nnids;
	const char		 *fastnids[TAB_FAST_NIDS];	/* interned, or NULL */
	struct tab_owner	**owners;	/* owner -> count */
	size_t			  nownerslots;	/* power of two */
	size_t			  nowners;
	uint32_t		  first, last;	/* registration order */
	size_t			  count;
	size_t			  max_entries;	/* 0: no cap */
	size_t			  max_per_owner;	/* 0: no cap */
	uint64_t		  generation;
	uint64_t		  seed;
	size_t			  bytes;	/* requested from malloc */
	struct table_cache	  cache[TABLE_CACHES];	/* encoded replies */
	table_observer_fn	  obs;		/* change observer, or NULL */
	void			 *obs_arg;
};

#define TAB_KEYS_INIT	64
#define TAB_PROGS_INIT	16
#define TAB_NIDS_INIT	8
#define TAB_OWNERS_INIT	8

/* A 64-bit finaliser (MurmurHash3's fmix64): every input bit reaches every output bit. */
static uint64_t
tab_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static size_t
tab_keyhash(const struct table *t, uint32_t prog, uint32_t vers,
    const char *netid)
{
	uint64_t h;

	h = tab_mix((((uint64_t)prog << 32) | vers) ^ t->seed);
	h = tab_mix(h ^ (uint64_t)(uintptr_t)netid);
	return (size_t)h;
}

static size_t
tab_proghash(const struct table *t, uint32_t prog)
{
	return (size_t)tab_mix((uint64_t)prog ^ (t->seed >> 7));
}

static int
tab_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* FNV-1a over the lower-cased bytes, then mixed with the seed. */
static uint32_t
tab_strhash(const struct table *t, const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)tab_lower((unsigned char)s[i]);
		h *= 0x100000001b3ULL;
	}
	return (uint32_t)tab_mix(h ^ t->seed);
}

/* Equal ignoring ASCII case; a has length alen, b is NUL-terminated. */
static int
tab_caseeq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++)
		if (b[i] == '\0' ||
		    tab_lower((unsigned char)a[i]) != tab_lower((unsigned char)b[i]))
			return 0;
	return b[alen] == '\0';
}

static void *
tab_calloc(struct table *t, size_t n, size_t sz)
{
	void *p;

	if ((p = calloc(n, sz)) != NULL)
		t->bytes += n * sz;
	return p;
}

static void *
tab_malloc(struct table *t, size_t sz)
{
	void *p;

	if ((p = malloc(sz)) != NULL)
		t->bytes += sz;
	return p;
}

static void
tab_free(struct table *t, void *p, size_t sz)
{
	if (p == NULL)
		return;
	t->bytes -= sz;
	free(p);
}

/* ---- slab slots ---- */

static struct table_entry *
tab_ent(const struct table *t, uint32_t id)
{
	uint32_t c = id >> TAB_CLASS_SHIFT, i = id & TAB_INDEX_MASK;

	if (id == 0)
		return NULL;
	return (struct table_entry *)(void *)(t->slab[c].blocks[i >> TAB_SLOT_BITS] +
	    TAB_BLOCK_HDR + (size_t)(i & ((1u << TAB_SLOT_BITS) - 1)) *
	    tab_class_size[c]);
}

/* The table an entry belongs to, from the header of its block. */
static const struct table *
tab_of(const struct table_entry *e)
{
	const struct table *const *hdr;

	hdr = (const void *)((uintptr_t)e & ~(uintptr_t)(TAB_BLOCK_BYTES - 1));
	return *hdr;
}

/* A block of TAB_BLOCK_BYTES aligned on its size, or NULL. */
static void *
tab_block(struct table *t)
{
	size_t len = (size_t)TAB_REGION_BLOCKS * TAB_BLOCK_BYTES, head, tail;
	uint8_t *p, *a;
	void **nr;

	if (t->rleft == 0) {
		if ((nr = realloc(t->regions, (t->nregions + 1) *
		    sizeof(*nr))) == NULL)
			return NULL;
		t->regions = nr;
		p = mmap(NULL, len + TAB_BLOCK_BYTES, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		a = (uint8_t *)(((uintptr_t)p + TAB_BLOCK_BYTES - 1) &
		    ~(uintptr_t)(TAB_BLOCK_BYTES - 1));
		head = (size_t)(a - p);
		tail = TAB_BLOCK_BYTES - head;
		if (head > 0)
			(void)munmap(p, head);
		if (tail > 0)
			(void)munmap(a + len, tail);
		t->regions[t->nregions++] = a;
		t->rnext = a;
		t->rleft = TAB_REGION_BLOCKS;
	}
	a = t->rnext;
	t->rnext += TAB_BLOCK_BYTES;
	t->rleft--;
	t->bytes += TAB_BLOCK_BYTES;
	return a;
}

/* A free slot for an entry with a uaddr of ulen bytes; 0 when out of memory. */
static uint32_t
slab_alloc(struct table *t, size_t ulen)
{
	struct tab_slab *sl;
	uint8_t **nb;
	void *blk;
	size_t need = sizeof(struct table_entry) + ulen + 1, ncap;
	uint32_t c, id;

	for (c = 0; c < TAB_NCLASS - 1 && tab_class_size[c] < need; c++)
		;
	sl = &t->slab[c];
	if (sl->free != 0) {
		id = sl->free;
		sl->free = tab_ent(t, id)->tl_next;
		return id;
	}
	if (sl->nblocks == 0 || sl->slot == tab_class_slots[c]) {
		if (sl->nblocks >= (TAB_INDEX_MASK >> TAB_SLOT_BITS))
			return 0;
		if (sl->nblocks == sl->cap) {
			ncap = sl->cap ? sl->cap * 2 : 4;
			if ((nb = realloc(sl->blocks, ncap * sizeof(*nb))) == NULL)
				return 0;
			t->bytes += (ncap - sl->cap) * sizeof(*nb);
			sl->blocks = nb;
			sl->cap = ncap;
		}
		if ((blk = tab_block(t)) == NULL)
			return 0;
		*(struct table **)blk = t;
		sl->blocks[sl->nblocks++] = blk;
		/* slot 0 of class 0's first block would be number 0: skipped */
		sl->slot = (c == 0 && sl->nblocks == 1) ? 1 : 0;
	}
	id = c << TAB_CLASS_SHIFT | (uint32_t)(sl->nblocks - 1) << TAB_SLOT_BITS |
	    sl->slot;
	sl->slot++;
	return id;
}

static void
slab_free(struct table *t, uint32_t id)
{
	struct tab_slab *sl = &t->slab[id >> TAB_CLASS_SHIFT];

	tab_ent(t, id)->tl_next = sl->free;
	sl->free = id;
}

/* The slot number of an entry (its links name it by number). */
static uint32_t
tab_id_of(const struct table *t, const struct table_entry *e)
{
	if (e->tl_prev != 0)
		return tab_ent(t, e->tl_prev)->tl_next;
	return t->first;
}

/* ---- interned netids ---- */

static struct tab_netid *
nid_find(const struct table *t, const char *s, size_t len, uint32_t h)
{
	struct tab_netid *n;

	for (n = t->nids[h & (t->nnidslots - 1)]; n != NULL; n = n->next)
		if (n->hash == h && tab_caseeq(s, len, n->name))
			return n;
	return NULL;
}

/* Two NUL-terminated strings equal ignoring ASCII case. */
static int
nid_caseeqz(const char *a, const char *b)
{
	for (; *a != '\0'; a++, b++)
		if (tab_lower((unsigned char)*a) != (unsigned char)*b)
			return 0;	/* b is interned: lower case already */
	return *b == '\0';
}

/* The interned netid for s, or NULL if none (or s is not a valid netid). */
static const char *
nid_lookup(const struct table *t, const char *s)
{
	struct tab_netid *n;
	size_t len;

	if (s == NULL)
		return NULL;
	/* the few netids there are, before any hashing */
	for (len = 0; len < TAB_FAST_NIDS && t->fastnids[len] != NULL; len++)
		if (nid_caseeqz(s, t->fastnids[len]))
			return t->fastnids[len];
	if (len == t->nnids)
		return NULL;		/* every netid is in the array */
	len = strnlen(s, PM_NETID_MAX + 1);
	if (len == 0 || len > PM_NETID_MAX)
		return NULL;
	n = nid_find(t, s, len, tab_strhash(t, s, len));
	return n != NULL ? n->name : NULL;
}

static void
nid_grow(struct table *t)
{
	struct tab_netid **nv, *n, *next;
	size_t i, nn = t->nnidslots * 2;

	if ((nv = tab_calloc(t, nn, sizeof(*nv))) == NULL)
		return;		/* keep the longer chains */
	for (i = 0; i < t->nnidslots; i++)
		for (n = t->nids[i]; n != NULL; n = next) {
			next = n->next;
			n->next = nv[n->hash & (nn - 1)];
			nv[n->hash & (nn - 1)] = n;
		}
	tab_free(t, t->nids, t->nnidslots * sizeof(*t->nids));
	t->nids = nv;
	t->nnidslots = nn;
}

/* Take a reference on the interned (lower-case) copy of s[0..len). */
static const char *
nid_ref(struct table *t, const char *s, size_t len)
{
	struct tab_netid *n;
	uint32_t h = tab_strhash(t, s, len);
	size_t i;

	if ((n = nid_find(t, s, len, h)) == NULL) {
		if ((n = tab_malloc(t, sizeof(*n) + len + 1)) == NULL)
			return NULL;
		for (i = 0; i < len; i++)
			n->name[i] = (char)tab_lower((unsigned char)s[i]);
		n->name[len] = '\0';
		n->hash = h;
		n->refs = 0;
		n->next = t->nids[h & (t->nnidslots - 1)];
		t->nids[h & (t->nnidslots - 1)] = n;
		for (i = 0; i < TAB_FAST_NIDS; i++)
			if (t->fastnids[i] == NULL) {
				t->fastnids[i] = n->name;
				break;
			}
		if (++t->nnids > t->nnidslots)
			nid_grow(t);
	}
	n->refs++;
	return n->name;
}

static void
nid_unref(struct table *t, const char *name)
{
	struct tab_netid *n, **np;
	size_t len, i, j;

	n = (struct tab_netid *)(void *)(name - offsetof(struct tab_netid, name));
	if (--n->refs > 0)
		return;
	len = strlen(n->name);
	for (i = 0; i < TAB_FAST_NIDS; i++)
		if (t->fastnids[i] == n->name) {
			/* keep the array packed: the last one takes its place */
			for (j = i; j + 1 < TAB_FAST_NIDS &&
			    t->fastnids[j + 1] != NULL; j++)
				;
			t->fastnids[i] = t->fastnids[j];
			t->fastnids[j] = NULL;
			break;
		}
	for (np = &t->nids[n->hash & (t->nnidslots - 1)]; *np != NULL;
	    np = &(*np)->next)
		if (*np == n) {
			*np = n->next;
			break;
		}
	t->nnids--;
	tab_free(t, n, sizeof(*n) + len + 1);
}

/* ---- per-owner counts ---- */

static size_t
own_slot(const struct table *t, int32_t owner)
{
	return (size_t)tab_mix((uint64_t)(uint32_t)owner) & (t->nownerslots - 1);
}

static struct tab_owner *
own_find(const struct table *t, int32_t owner)
{
	struct tab_owner *o;

	for (o = t->owners[own_slot(t, owner)]; o != NULL; o = o->next)
		if (o->owner == owner)
			return o;
	return NULL;
}

static size_t
own_count(const struct table *t, int32_t owner)
{
	struct tab_owner *o = own_find(t, owner);

	return o != NULL ? o->count : 0;
}

static void
own_grow(struct table *t)
{
	struct tab_owner **ov, **old = t->owners, *o, *next;
	size_t i, oldn = t->nownerslots;

	if ((ov = tab_calloc(t, oldn * 2, sizeof(*ov))) == NULL)
		return;
	t->owners = ov;
	t->nownerslots = oldn * 2;
	for (i = 0; i < oldn; i++)
		for (o = old[i]; o != NULL; o = next) {
			next = o->next;
			o->next = ov[own_slot(t, o->owner)];
			ov[own_slot(t, o->owner)] = o;
		}
	tab_free(t, old, oldn * sizeof(*old));
}

static int
own_inc(struct table *t, int32_t owner)
{
	struct tab_owner *o;
	size_t s;

	if ((o = own_find(t, owner)) == NULL) {
		if ((o = tab_malloc(t, sizeof(*o))) == NULL)
			return -1;
		o->owner = owner;
		o->count = 0;
		s = own_slot(t, owner);
		o->next = t->owners[s];
		t->owners[s] = o;
		if (++t->nowners > t->nownerslots)
			own_grow(t);
	}
	o->count++;
	return 0;
}

static void
own_dec(struct table *t, int32_t owner)
{
	struct tab_owner *o, **op;

	for (op = &t->owners[own_slot(t, owner)]; (o = *op) != NULL;
	    op = &o->next)
		if (o->owner == owner) {
			if (--o->count == 0) {
				*op = o->next;
				t->nowners--;
				tab_free(t, o, sizeof(*o));
			}
			return;
		}
}

/* ---- program index (open addressing, linear probing) ---- */

/* Slot holding prog's chain head, or the empty slot where it would go. */
static size_t
prog_slot(const struct table *t, uint32_t prog)
{
	size_t mask = t->nprogslots - 1, i;

	for (i = tab_proghash(t, prog) & mask; t->progs[i] != 0;
	    i = (i + 1) & mask)
		if (tab_ent(t, t->progs[i])->prog == prog)
			break;
	return i;
}

static int
prog_grow(struct table *t)
{
	uint32_t *old = t->progs, *nv;
	size_t oldn = t->nprogslots, i;

	if ((nv = tab_calloc(t, oldn * 2, sizeof(*nv))) == NULL)
		return -1;
	t->progs = nv;
	t->nprogslots = oldn * 2;
	for (i = 0; i < oldn; i++)
		if (old[i] != 0)
			t->progs[prog_slot(t, tab_ent(t, old[i])->prog)] = old[i];
	tab_free(t, old, oldn * sizeof(*old));
	return 0;
}

/* Empty slot i and shift later members of its cluster back (Knuth's R). */
static void
prog_delslot(struct table *t, size_t i)
{
	size_t mask = t->nprogslots - 1, j = i, home;

	t->progs[i] = 0;
	for (;;) {
		j = (j + 1) & mask;
		if (t->progs[j] == 0)
			break;
		home = tab_proghash(t, tab_ent(t, t->progs[j])->prog) & mask;
		/* move j to i unless home lies cyclically in (i, j] */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		t->progs[i] = t->progs[j];
		t->progs[j] = 0;
		i = j;
	}
	t->nprogs--;
}

/* ---- key hash ---- */

static struct table_entry *
key_find(const struct table *t, uint32_t prog, uint32_t vers, const char *nid)
{
	struct table_entry *e;
	uint32_t id;

	for (id = t->keys[tab_keyhash(t, prog, vers, nid) & (t->nkeys - 1)];
	    id != 0; id = e->tl_hnext) {
		e = tab_ent(t, id);
		if (e->prog == prog && e->vers == vers && e->netid == nid)
			return e;
	}
	return NULL;
}

static void
key_grow(struct table *t)
{
	struct table_entry *e;
	uint32_t *nv, id;
	size_t nn = t->nkeys * 2, s;

	if ((nv = tab_calloc(t, nn, sizeof(*nv))) == NULL)
		return;		/* longer chains, still correct */
	for (id = t->first; id != 0; id = e->tl_next) {
		e = tab_ent(t, id);
		s = tab_keyhash(t, e->prog, e->vers, e->netid) & (nn - 1);
		e->tl_hnext = nv[s];
		nv[s] = id;
	}
	tab_free(t, t->keys, t->nkeys * sizeof(*t->keys));
	t->keys = nv;
	t->nkeys = nn;
}

/* ---- the table ---- */

struct table *
table_new(size_t max_entries, size_t max_per_owner)
{
	struct table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->bytes = sizeof(*t);
	t->max_entries = max_entries;
	t->max_per_owner = max_per_owner;
	/* The heap address varies between runs (ASLR): a cheap seed. */
	t->seed = tab_mix((uint64_t)(uintptr_t)t ^ 0x9e3779b97f4a7c15ULL);
	t->nkeys = TAB_KEYS_INIT;
	t->nprogslots = TAB_PROGS_INIT;
	t->nnidslots = TAB_NIDS_INIT;
	t->nownerslots = TAB_OWNERS_INIT;
	t->keys = tab_calloc(t, t->nkeys, sizeof(*t->keys));
	t->progs = tab_calloc(t, t->nprogslots, sizeof(*t->progs));
	t->nids = tab_calloc(t, t->nnidslots, sizeof(*t->nids));
	t->owners = tab_calloc(t, t->nownerslots, sizeof(*t->owners));
	if (t->keys == NULL || t->progs == NULL || t->nids == NULL ||
	    t->owners == NULL) {
		table_free(t);
		return NULL;
	}
	return t;
}

void
table_free(struct table *t)
{
	struct tab_netid *n, *nnext;
	struct tab_owner *o, *onext;
	size_t i, c;

	if (t == NULL)
		return;
	for (c = 0; c < TAB_NCLASS; c++)
		free(t->slab[c].blocks);
	for (i = 0; i < t->nregions; i++)
		(void)munmap(t->regions[i], (size_t)TAB_REGION_BLOCKS *
		    TAB_BLOCK_BYTES);
	free(t->regions);
	if (t->nids != NULL)
		for (i = 0; i < t->nnidslots; i++)
			for (n = t->nids[i]; n != NULL; n = nnext) {
				nnext = n->next;
				free(n);
			}
	if (t->owners != NULL)
		for (i = 0; i < t->nownerslots; i++)
			for (o = t->owners[i]; o != NULL; o = onext) {
				onext = o->next;
				free(o);
			}
	for (i = 0; i < TABLE_CACHES; i++)
		free(t->cache[i].buf);
	free(t->keys);
	free(t->progs);
	free(t->nids);
	free(t->owners);
	free(t);
}

enum table_set_result
table_set(struct table *t, uint32_t prog, uint32_t vers, const char *netid,
    const char *uaddr, int32_t owner, int32_t pid, uint32_t flags)
{
	struct table_entry *e, *old;
	const char *nid;
	size_t nlen, ulen, ps, ks;
	uint32_t id;
	int port;

	if (netid == NULL || uaddr == NULL)
		return TABLE_INVALID;
	nlen = strnlen(netid, PM_NETID_MAX + 1);
	ulen = strnlen(uaddr, PM_UADDR_MAX + 1);
	if (nlen == 0 || nlen > PM_NETID_MAX || ulen == 0 || ulen > PM_UADDR_MAX)
		return TABLE_INVALID;

	if ((nid = nid_lookup(t, netid)) != NULL &&
	    (old = key_find(t, prog, vers, nid)) != NULL)
		return strcmp(old->uaddr, uaddr) == 0 ? TABLE_SAME : TABLE_CONFLICT;

	if (t->max_entries != 0 && t->count >= t->max_entries)
		return TABLE_FULL;
	if (owner != OWNER_SUPERUSER && t->max_per_owner != 0 &&
	    own_count(t, owner) >= t->max_per_owner)
		return TABLE_FULL;

	/* Room in the program index first: it is the one step that can't fail late. */
	ps = prog_slot(t, prog);
	/* at most three quarters full: a probe or two with linear probing */
	if (t->progs[ps] == 0 && (t->nprogs + 1) * 4 > t->nprogslots * 3) {
		if (prog_grow(t) == -1 && t->nprogs + 2 > t->nprogslots)
			return TABLE_FULL;
	}

	if ((id = slab_alloc(t, ulen)) == 0)
		return TABLE_FULL;
	e = tab_ent(t, id);
	if ((nid = nid_ref(t, netid, nlen)) == NULL) {
		slab_free(t, id);
		return TABLE_FULL;
	}
	if (own_inc(t, owner) == -1) {
		nid_unref(t, nid);
		slab_free(t, id);
		return TABLE_FULL;
	}
	e->prog = prog;
	e->vers = vers;
	e->owner = owner;
	e->pid = pid;
	e->flags = (uint8_t)flags;
	e->checked = 0;
	e->netid = nid;
	memcpy(e->uaddr, uaddr, ulen + 1);
	/* the one parse: lookups answer the port without reading uaddr */
	port = uaddr_port(e->uaddr);
	e->has_port = port >= 0 && port <= UINT16_MAX;
	e->port = e->has_port ? (uint16_t)port : 0;

	ks = tab_keyhash(t, prog, vers, nid) & (t->nkeys - 1);
	e->tl_hnext = t->keys[ks];
	t->keys[ks] = id;

	ps = prog_slot(t, prog);	/* the index may have grown */
	if (t->progs[ps] == 0)
		t->nprogs++;
	e->tl_pnext = t->progs[ps];
	t->progs[ps] = id;

	e->tl_next = 0;
	e->tl_prev = t->last;
	if (t->last != 0)
		tab_ent(t, t->last)->tl_next = id;
	else
		t->first = id;
	t->last = id;

	t->generation++;
	if (++t->count > t->nkeys)
		key_grow(t);
	if (t->obs != NULL)
		t->obs(t->obs_arg, e, 1);
	return TABLE_ADDED;
}

void
table_remove(struct table *t, const struct table_entry *ce)
{
	struct table_entry *e = (struct table_entry *)(uintptr_t)ce, *p;
	uint32_t id = tab_id_of(t, e), *ip;
	size_t ps;

	if (t->obs != NULL)
		t->obs(t->obs_arg, e, 0);
	for (ip = &t->keys[tab_keyhash(t, e->prog, e->vers, e->netid) &
	    (t->nkeys - 1)]; *ip != 0; ip = &p->tl_hnext) {
		if (*ip == id) {
			*ip = e->tl_hnext;
			break;
		}
		p = tab_ent(t, *ip);
	}

	ps = prog_slot(t, e->prog);
	if (t->progs[ps] == id) {
		if (e->tl_pnext != 0)
			t->progs[ps] = e->tl_pnext;
		else
			prog_delslot(t, ps);
	} else {
		for (ip = &tab_ent(t, t->progs[ps])->tl_pnext; *ip != 0;
		    ip = &p->tl_pnext) {
			if (*ip == id) {
				*ip = e->tl_pnext;
				break;
			}
			p = tab_ent(t, *ip);
		}
	}

	if (e->tl_prev != 0)
		tab_ent(t, e->tl_prev)->tl_next = e->tl_next;
	else
		t->first = e->tl_next;
	if (e->tl_next != 0)
		tab_ent(t, e->tl_next)->tl_prev = e->tl_prev;
	else
		t->last = e->tl_prev;

	own_dec(t, e->owner);
	nid_unref(t, e->netid);
	t->count--;
	t->generation++;
	slab_free(t, id);
}

/* netid NULL or "" means every netid. */
static int
tab_allnetids(const char *netid)
{
	return netid == NULL || netid[0] == '\0';
}

int
table_may_unset(const struct table *t, uint32_t prog, uint32_t vers,
    const char *netid, int32_t owner)
{
	const struct table_entry *e;
	const char *nid;

	if (owner == OWNER_SUPERUSER)
		return 1;
	if (!tab_allnetids(netid)) {
		if ((nid = nid_lookup(t, netid)) == NULL)
			return 1;
		e = key_find(t, prog, vers, nid);
		return e == NULL || e->owner == owner;
	}
	for (e = table_prog_first(t, prog); e != NULL; e = tab_ent(t, e->tl_pnext))
		if (e->vers == vers && e->owner != owner)
			return 0;
	return 1;
}

int
table_unset(struct table *t, uint32_t prog, uint32_t vers, const char *netid,
    int32_t owner)
{
	const struct table_entry *e, *next;
	const char *nid;
	int n = 0;

	if (!table_may_unset(t, prog, vers, netid, owner))
		return -1;
	if (!tab_allnetids(netid)) {
		if ((nid = nid_lookup(t, netid)) == NULL ||
		    (e = key_find(t, prog, vers, nid)) == NULL)
			return 0;
		table_remove(t, e);
		return 1;
	}
	for (e = table_prog_first(t, prog); e != NULL; e = next) {
		next = tab_ent(t, e->tl_pnext);
		if (e->vers == vers) {
			table_remove(t, e);
			n++;
		}
	}
	return n;
}

const struct table_entry *
table_find(const struct table *t, uint32_t prog, uint32_t vers,
    const char *netid)
{
	const char *nid;

	if ((nid = nid_lookup(t, netid)) == NULL)
		return NULL;
	return key_find(t, prog, vers, nid);
}

const struct table_entry *
table_find_fallback(const struct table *t, uint32_t prog, uint32_t vers,
    const char *netid)
{
	const struct table_entry *e, *best = NULL;
	const char *nid;

	if ((nid = nid_lookup(t, netid)) == NULL)
		return NULL;
	if ((e = key_find(t, prog, vers, nid)) != NULL)
		return e;
	for (e = table_prog_first(t, prog); e != NULL; e = tab_ent(t, e->tl_pnext))
		if (e->netid == nid && (best == NULL || e->vers > best->vers))
			best = e;
	return best;
}

const struct table_entry *
table_first(const struct table *t)
{
	return tab_ent(t, t->first);
}

const struct table_entry *
table_next(const struct table_entry *e)
{
	return e->tl_next != 0 ? tab_ent(tab_of(e), e->tl_next) : NULL;
}

const struct table_entry *
table_prog_first(const struct table *t, uint32_t prog)
{
	return tab_ent(t, t->progs[prog_slot(t, prog)]);
}

const struct table_entry *
table_prog_next(const struct table_entry *e)
{
	return e->tl_pnext != 0 ? tab_ent(tab_of(e), e->tl_pnext) : NULL;
}

size_t
table_count(const struct table *t)
{
	return t->count;
}

uint64_t
table_generation(const struct table *t)
{
	return t->generation;
}

const struct table_cache *
table_cache_get(const struct table *t, unsigned which)
{
	const struct table_cache *c;

	if (which >= TABLE_CACHES)
		return NULL;
	c = &t->cache[which];
	return c->valid && c->gen == t->generation ? c : NULL;
}

int
table_cache_put(struct table *t, unsigned which, const void *buf, size_t len)
{
	struct table_cache *c;
	uint8_t *nb;

	if (which >= TABLE_CACHES)
		return -1;
	c = &t->cache[which];
	c->valid = 0;
	if (len > c->cap || (c->cap > 4096 && len < c->cap / 4)) {
		/* grow, or give back most of a buffer far too big now */
		if ((nb = realloc(c->buf, len > 0 ? len : 1)) == NULL)
			return -1;
		c->buf = nb;
		c->cap = len > 0 ? len : 1;
	}
	if (len > 0)
		memcpy(c->buf, buf, len);
	c->len = len;
	c->gen = t->generation;
	c->valid = 1;
	return 0;
}

void
table_set_observer(struct table *t, table_observer_fn fn, void *arg)
{
	t->obs = fn;
	t->obs_arg = arg;
}

/* The reaper's timestamp is not part of any reply: no generation bump. */
void
table_touch(struct table *t, const struct table_entry *e, uint32_t now)
{
	((struct table_entry *)(uintptr_t)e)->checked = now;
}

const char *
table_owner_str(int32_t owner, char *buf, size_t bufsz)
{
	if (owner == OWNER_SUPERUSER)
		return "superuser";
	if (owner == OWNER_UNKNOWN)
		return "unknown";
	if (buf == NULL || bufsz == 0)
		return "unknown";
	snprintf(buf, bufsz, "%u", (unsigned)owner);
	return buf;
}

void
table_stats(const struct table *t, struct table_stats *st)
{
	const struct table_entry *e;
	size_t i, len;

	memset(st, 0, sizeof(*st));
	st->entries = t->count;
	st->buckets = t->nkeys;
	st->programs = t->nprogs;
	st->netids = t->nnids;
	st->owners = t->nowners;
	st->bytes = t->bytes;
	for (i = 0; i < t->nkeys; i++) {
		len = 0;
		for (e = tab_ent(t, t->keys[i]); e != NULL;
		    e = tab_ent(t, e->tl_hnext))
			len++;
		if (len > st->max_chain)
			st->max_chain = len;
	}
}
