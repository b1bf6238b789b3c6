/*
 * arena.c — memory for the rules stage: a chunked bump allocator the ruleset owns (tens of
 * thousands of rules allocate millions of small objects that all die together, so one free per
 * chunk keeps loading fast and memory compact), heap vectors for temporary parse state, and an
 * open-addressing string map used for interning and for caching compiled address/port sets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"

#define ARENA_CHUNK (256 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap;
	max_align_t data[];
};

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	memset(a, 0, sizeof(*a));
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (size == 0)
		size = 8;
	if (!a->head || a->cap - a->used < size) {
		if (size > ARENA_CHUNK / 4) {
			/* Big object: its own chunk, linked behind the current one so the
			 * current chunk's free space is not wasted. */
			struct arena_chunk *c = malloc(sizeof(*c) + size);
			if (!c)
				return NULL;
			c->cap = size;
			a->total += size;
			if (a->head) {
				c->next = a->head->next;
				a->head->next = c;
			} else {
				c->next = NULL;
				a->head = c;
				a->used = a->cap = size;
			}
			memset(c->data, 0, size);
			return c->data;
		}
		struct arena_chunk *c = malloc(sizeof(*c) + ARENA_CHUNK);
		if (!c)
			return NULL;
		c->cap = ARENA_CHUNK;
		c->next = a->head;
		a->head = c;
		a->used = 0;
		a->cap = ARENA_CHUNK;
		a->total += ARENA_CHUNK;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);
	if (q && n)
		memcpy(q, p, n);
	return q;
}

void vec_init(struct vec *v, size_t elem)
{
	memset(v, 0, sizeof(*v));
	v->elem = elem;
}

void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
	v->n = v->cap = 0;
}

void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 8;
		void *nd = realloc(v->data, ncap * v->elem);
		if (!nd)
			return NULL;
		v->data = nd;
		v->cap = ncap;
	}
	void *p = (char *)v->data + v->n * v->elem;
	memset(p, 0, v->elem);
	v->n++;
	return p;
}

int vec_append(struct vec *v, const void *src, size_t n)
{
	if (n > SIZE_MAX / v->elem - v->n)
		return -1;
	if (v->n + n > v->cap) {
		size_t ncap = v->cap ? v->cap : 8;
		while (ncap < v->n + n)
			ncap *= 2;
		void *nd = realloc(v->data, ncap * v->elem);
		if (!nd)
			return -1;
		v->data = nd;
		v->cap = ncap;
	}
	if (n)
		memcpy((char *)v->data + v->n * v->elem, src, n * v->elem);
	v->n += n;
	return 0;
}

static uint32_t strmap_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h | 1; /* 0 marks an empty slot */
}

void strmap_free(struct strmap *m)
{
	free(m->ents);
	memset(m, 0, sizeof(*m));
}

static struct strmap_ent *strmap_slot(const struct strmap *m, const char *key, uint32_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strmap_ent *e = &m->ents[i];
		if (e->hash == 0 || (e->hash == h && strcmp(e->key, key) == 0))
			return e;
	}
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct strmap_ent *e = strmap_slot(m, key, strmap_hash(key));
	return e->hash ? e->val : NULL;
}

static int strmap_grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct strmap_ent *old = m->ents;
	size_t ocap = m->cap;
	m->ents = calloc(ncap, sizeof(*m->ents));
	if (!m->ents) {
		m->ents = old;
		return -1;
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].hash)
			*strmap_slot(m, old[i].key, old[i].hash) = old[i];
	}
	free(old);
	return 0;
}

static struct strmap_ent *strmap_insert_slot(struct strmap *m, struct arena *a, const char *key)
{
	if ((m->n + 1) * 4 > m->cap * 3 && strmap_grow(m) < 0)
		return NULL;
	uint32_t h = strmap_hash(key);
	struct strmap_ent *e = strmap_slot(m, key, h);
	if (!e->hash) {
		const char *k = arena_strdup(a, key);
		if (!k)
			return NULL;
		e->key = k;
		e->hash = h;
		e->val = NULL;
		m->n++;
	}
	return e;
}

int strmap_put(struct strmap *m, struct arena *a, const char *key, void *val)
{
	struct strmap_ent *e = strmap_insert_slot(m, a, key);
	if (!e)
		return -1;
	e->val = val;
	return 0;
}

const char *strmap_intern(struct strmap *m, struct arena *a, const char *s)
{
	struct strmap_ent *e = strmap_insert_slot(m, a, s);
	if (!e)
		return NULL;
	if (!e->val)
		e->val = (void *)e->key;
	return e->val;
}
