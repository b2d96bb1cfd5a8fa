// SPDX-License-Identifier: GPL-2.0-or-later
/* Class of Device decoding, from the Bluetooth Assigned Numbers
 * ("Class of Device" section). */
#include <stdio.h>
#include <string.h>

#include "btsync/cod.h"
#include "btsync/util.h"

static const char *const majors[] = {
	"Miscellaneous", "Computer", "Phone", "Network Access Point",
	"Audio/Video", "Peripheral", "Imaging", "Wearable", "Toy", "Health",
};

static const char *const computer[] = {
	"Uncategorized", "Desktop", "Server", "Laptop", "Handheld PC/PDA",
	"Palm-size PC/PDA", "Wearable computer", "Tablet",
};

static const char *const phone[] = {
	"Uncategorized", "Cellular", "Cordless", "Smartphone",
	"Wired modem or voice gateway", "Common ISDN access",
};

/* The network minor class is a load factor in its top 3 bits. */
static const char *const lan[] = {
	"Fully available", "1-17% utilized", "17-33% utilized", "33-50% utilized",
	"50-67% utilized", "67-83% utilized", "83-99% utilized", "No service available",
};

static const char *const av[] = {
	"Uncategorized", "Headset", "Hands-free", NULL, "Microphone", "Loudspeaker",
	"Headphones", "Portable Audio", "Car audio", "Set-top box", "HiFi Audio",
	"VCR", "Video Camera", "Camcorder", "Video Monitor",
	"Video Display and Loudspeaker", "Video Conferencing", NULL, "Gaming/Toy",
};

/* Peripheral: top 2 bits keyboard/pointing, low 4 bits the device kind. */
static const char *const periph_kb[] = {
	NULL, "Keyboard", "Pointing device", "Combo keyboard/pointing device",
};

static const char *const periph_kind[] = {
	NULL, "Joystick", "Gamepad", "Remote control", "Sensing device",
	"Digitizer tablet", "Card reader", "Digital pen", "Handheld scanner",
	"Handheld gestural input device",
};

static const char *const wearable[] = {
	"Uncategorized", "Wristwatch", "Pager", "Jacket", "Helmet", "Glasses", "Pin",
};

static const char *const toy[] = {
	"Uncategorized", "Robot", "Vehicle", "Doll/Action figure", "Controller", "Game",
};

static const char *const health[] = {
	"Uncategorized", "Blood pressure monitor", "Thermometer", "Weighing scale",
	"Glucose meter", "Pulse oximeter", "Heart/Pulse rate monitor",
	"Health data display", "Step counter", "Body composition analyzer",
	"Peak flow monitor", "Medication monitor", "Knee prosthesis",
	"Ankle prosthesis", "Generic health manager", "Personal mobility device",
};

/* Service class bits 13..23 (bit 15 is reserved). */
static const char *const services[] = {
	"Limited Discoverable", "LE Audio", NULL, "Positioning", "Networking",
	"Rendering", "Capturing", "Object Transfer", "Audio", "Telephony",
	"Information",
};

static const char *pick(const char *const *table, size_t n, unsigned i)
{
	return i < n ? table[i] : NULL;
}

static void minor_name(uint8_t major, uint8_t minor, char *buf, size_t size)
{
	const char *s = NULL;

	buf[0] = '\0';
	switch (major) {
	case 1:
		s = pick(computer, BTS_ARRAY_SIZE(computer), minor);
		break;
	case 2:
		s = pick(phone, BTS_ARRAY_SIZE(phone), minor);
		break;
	case 3:
		s = lan[minor >> 3];
		break;
	case 4:
		s = pick(av, BTS_ARRAY_SIZE(av), minor);
		break;
	case 5: {
		const char *kb = periph_kb[minor >> 4];
		const char *kind = pick(periph_kind, BTS_ARRAY_SIZE(periph_kind), minor & 0x0f);

		if (kb && kind)
			snprintf(buf, size, "%s / %s", kb, kind);
		else if (kb || kind)
			snprintf(buf, size, "%s", kb ? kb : kind);
		else if ((minor & 0x0f) == 0)
			snprintf(buf, size, "Uncategorized");
		return;
	}
	case 6: {
		/* Imaging: bits 4..7 of the CoD are flags (minor bits 2..5). */
		static const char *const flags[] = { "Display", "Camera", "Scanner", "Printer" };
		size_t o = 0;

		for (unsigned b = 0; b < 4; b++) {
			if (!(minor & (0x04u << b)))
				continue;
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s",
					      o ? ", " : "", flags[b]);
			if (o >= size)
				o = size - 1;
		}
		if (!o)
			snprintf(buf, size, "Uncategorized");
		return;
	}
	case 7:
		s = pick(wearable, BTS_ARRAY_SIZE(wearable), minor);
		break;
	case 8:
		s = pick(toy, BTS_ARRAY_SIZE(toy), minor);
		break;
	case 9:
		s = pick(health, BTS_ARRAY_SIZE(health), minor);
		break;
	default:
		return;
	}
	if (s)
		snprintf(buf, size, "%s", s);
	else
		snprintf(buf, size, "Reserved (0x%02x)", minor);
}

void bts_cod_decode(uint32_t cod, struct bts_cod *out)
{
	memset(out, 0, sizeof(*out));
	out->minor = (cod >> 2) & 0x3f;
	out->major = (cod >> 8) & 0x1f;
	out->services = (cod >> 13) & 0x7ff;
	if (out->major < BTS_ARRAY_SIZE(majors))
		out->major_name = majors[out->major];
	else if (out->major == 0x1f)
		out->major_name = "Uncategorized";
	else
		out->major_name = "Reserved";
	minor_name(out->major, out->minor, out->minor_name, sizeof(out->minor_name));
}

char *bts_cod_str(uint32_t cod, char *buf, size_t size)
{
	struct bts_cod c;

	bts_cod_decode(cod, &c);
	if (c.minor_name[0])
		snprintf(buf, size, "%s / %s", c.major_name, c.minor_name);
	else
		snprintf(buf, size, "%s", c.major_name);
	return buf;
}

size_t bts_cod_services(uint32_t cod, const char **names, size_t max)
{
	size_t n = 0;

	for (unsigned b = 0; b < BTS_ARRAY_SIZE(services); b++) {
		if (!(cod & (1u << (13 + b))) || !services[b])
			continue;
		if (n < max)
			names[n] = services[b];
		n++;
	}
	return n;
}
