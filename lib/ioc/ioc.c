/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a loaded OpenIOC document holds: its summary, defects, warnings and the terms it needs. */
#include "config.h"

#include "ioc-int.h"

void vg_ioc_get_info(const struct vg_ioc *ioc, struct vg_ioc_info *info)
{
	info->version = ioc->version;
	info->id = ioc->id ? ioc->id : "";
	info->description = ioc->description ? ioc->description : "";
	info->indicators = ioc->indicators;
	info->items = ioc->items;
	info->empty_content = ioc->empty_content;
	info->unsupported = ioc->unsupported;
	info->defects = ioc->defects_total;
}

size_t vg_ioc_defect_count(const struct vg_ioc *ioc)
{
	return ioc->ndefects;
}

const struct vg_error *vg_ioc_defect(const struct vg_ioc *ioc, size_t i)
{
	return i < ioc->ndefects ? &ioc->defects[i] : NULL;
}

size_t vg_ioc_warning_count(const struct vg_ioc *ioc)
{
	return ioc->nwarnings;
}

const struct vg_error *vg_ioc_warning(const struct vg_ioc *ioc, size_t i)
{
	return i < ioc->nwarnings ? &ioc->warnings[i] : NULL;
}

bool vg_ioc_needs_doc(const struct vg_ioc *ioc, enum vg_ioc_doc doc)
{
	return (unsigned)doc < VG_IOC_DOC_COUNT && (ioc->docs & (1u << doc));
}

bool vg_ioc_needs_field(const struct vg_ioc *ioc, unsigned field)
{
	return field < 256 && (ioc->fields[field / 64] & (1ull << (field % 64)));
}

size_t vg_ioc_terms_used(const struct vg_ioc *ioc, const struct vg_ioc_term **terms, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < vg_ioc_term_count(); i++) {
		const struct vg_ioc_term *t = vg_ioc_term_at(i);
		if (!vg_ioc_needs_field(ioc, t->field))
			continue;
		if (n < max)
			terms[n] = t;
		n++;
	}
	return n;
}

const char *vg_ioc_truth_name(enum vg_ioc_truth t)
{
	switch (t) {
	case VG_IOC_TRUE:
		return "match";
	case VG_IOC_FALSE:
		return "no-match";
	default:
		return "unknown";
	}
}
