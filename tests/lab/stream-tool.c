// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper for the stream lab scenarios (independent of libbtsync on
 * purpose: it must not share the code it checks).
 *
 *   stream-tool gen sine|multi RATE CHANNELS SECONDS OUT.wav|OUT.au
 *       16-bit WAV (or Sun .au, big-endian, for sbcenc): a 1 kHz sine, or
 *       tones at 440, 1000, 3150 and 7000 Hz, at half of full scale.
 *   stream-tool compare REF.wav TEST.wav|TEST.au
 *       prints "ref_frames=N test_frames=M lag=L snr_db=X": the decoded
 *       signal is aligned to the reference by the lag (0-400 samples) with
 *       the least error (SBC's filter banks delay it), then
 *       SNR = 10 log10(sum ref^2 / sum (ref - test)^2) over the overlap.
 *       .au files (sbcdec's output) are big-endian.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct audio {
	unsigned rate, channels;
	size_t frames;
	int16_t *s;
};

static unsigned rd(const uint8_t *p, int n, int be)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++)
		v |= (unsigned)p[i] << (8 * (be ? n - 1 - i : i));
	return v;
}

static int load(const char *path, struct audio *a)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long len;
	size_t off = 0, n = 0;
	int be = 0;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 24 || fseek(f, 0, SEEK_SET))
		return -1;
	b = malloc((size_t)len);
	if (!b || fread(b, 1, (size_t)len, f) != (size_t)len)
		return -1;
	fclose(f);
	if (!memcmp(b, ".snd", 4)) {
		be = 1;
		off = rd(b + 4, 4, 1);
		a->rate = rd(b + 16, 4, 1);
		a->channels = rd(b + 20, 4, 1);
		n = (size_t)len - off;
	} else if (!memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WAVE", 4)) {
		size_t p = 12;

		while (p + 8 <= (size_t)len) {
			unsigned sz = rd(b + p + 4, 4, 0);

			if (!memcmp(b + p, "fmt ", 4)) {
				a->channels = rd(b + p + 10, 2, 0);
				a->rate = rd(b + p + 12, 4, 0);
			} else if (!memcmp(b + p, "data", 4)) {
				off = p + 8;
				n = (size_t)len - off;
				if (sz < n)
					n = sz;
				break;
			}
			p += 8 + sz + (sz & 1);
		}
	}
	if (!off || !a->channels)
		return -1;
	a->frames = n / (2 * a->channels);
	a->s = malloc(a->frames * a->channels * 2 + 2);
	for (size_t i = 0; i < a->frames * a->channels; i++)
		a->s[i] = (int16_t)rd(b + off + 2 * i, 2, be);
	free(b);
	return 0;
}

static int gen(const char *kind, unsigned rate, unsigned ch, double secs, const char *out)
{
	static const double multi[] = { 440, 1000, 3150, 7000 };
	size_t n = (size_t)(secs * rate);
	FILE *f = fopen(out, "wb");
	uint8_t h[44];
	int nt = strcmp(kind, "multi") ? 1 : 4;
	uint32_t data = (uint32_t)(n * ch * 2);
	int au;

	if (!f)
		return 1;
	au = strlen(out) > 3 && !strcmp(out + strlen(out) - 3, ".au");
	if (au) {
		/* Sun .au: big-endian header and samples (what sbcenc reads). */
		uint32_t v[6] = { 0x2e736e64, 24, data, 3, rate, ch };

		for (int i = 0; i < 6; i++)
			for (int k = 0; k < 4; k++)
				h[4 * i + k] = (uint8_t)(v[i] >> (24 - 8 * k));
		fwrite(h, 1, 24, f);
	}
	memcpy(h, "RIFF", 4);
	for (int i = 0; i < 4; i++) {
		h[4 + i] = (uint8_t)((data + 36) >> (8 * i));
		h[24 + i] = (uint8_t)(rate >> (8 * i));
		h[28 + i] = (uint8_t)((rate * ch * 2) >> (8 * i));
		h[40 + i] = (uint8_t)(data >> (8 * i));
	}
	memcpy(h + 8, "WAVEfmt ", 8);
	h[16] = 16; h[17] = h[18] = h[19] = 0;
	h[20] = 1; h[21] = 0;
	h[22] = (uint8_t)ch; h[23] = 0;
	h[32] = (uint8_t)(ch * 2); h[33] = 0;
	h[34] = 16; h[35] = 0;
	memcpy(h + 36, "data", 4);
	if (!au)
		fwrite(h, 1, 44, f);
	for (size_t i = 0; i < n; i++)
		for (unsigned c = 0; c < ch; c++) {
			double v = 0;
			int16_t s;
			uint8_t o[2];

			for (int k = 0; k < nt; k++)
				v += sin(2 * M_PI * (nt == 1 ? 1000 : multi[k]) * (double)i / rate +
					 c * 0.5 + k);
			s = (int16_t)lrint(v / nt * 0.5 * 32767);
			o[au] = (uint8_t)s;
			o[!au] = (uint8_t)((uint16_t)s >> 8);
			fwrite(o, 1, 2, f);
		}
	return fclose(f) ? 1 : 0;
}

static double err_at(const struct audio *r, const struct audio *t, size_t lag, size_t from,
		     size_t to, double *sig)
{
	double e = 0, s = 0;
	unsigned ch = r->channels;

	for (size_t i = from; i < to && i < r->frames && i + lag < t->frames; i++)
		for (unsigned c = 0; c < ch; c++) {
			double a = r->s[i * ch + c], b = t->s[(i + lag) * ch + c];

			e += (a - b) * (a - b);
			s += a * a;
		}
	if (sig)
		*sig = s;
	return e;
}

static int compare(const char *ref, const char *test)
{
	struct audio r, t;
	size_t best = 0, win;
	double be = -1, sig, e;

	if (load(ref, &r) || load(test, &t)) {
		fprintf(stderr, "stream-tool: cannot read %s or %s\n", ref, test);
		return 2;
	}
	if (r.channels != t.channels || r.rate != t.rate) {
		printf("ref_frames=%zu test_frames=%zu mismatch: %u/%u Hz, %u/%u channels\n",
		       r.frames, t.frames, r.rate, t.rate, r.channels, t.channels);
		return 1;
	}
	/* Search the lag on a short window; measure on the whole overlap. */
	win = r.frames < 8192 ? r.frames : 8192;
	for (size_t lag = 0; lag <= 400; lag++) {
		e = err_at(&r, &t, lag, 512, 512 + win, NULL);
		if (be < 0 || e < be) {
			be = e;
			best = lag;
		}
	}
	e = err_at(&r, &t, best, 512, r.frames, &sig);
	printf("ref_frames=%zu test_frames=%zu lag=%zu snr_db=%.1f\n", r.frames, t.frames, best,
	       10 * log10(sig / (e > 0 ? e : 1e-9)));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "gen"))
		return gen(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
			   (unsigned)strtoul(argv[4], NULL, 10), strtod(argv[5], NULL), argv[6]);
	if (argc == 4 && !strcmp(argv[1], "compare"))
		return compare(argv[2], argv[3]);
	fprintf(stderr, "usage: stream-tool gen sine|multi RATE CHANNELS SECONDS OUT.wav\n"
			"       stream-tool compare REF.wav TEST.wav|TEST.au\n");
	return 2;
}
