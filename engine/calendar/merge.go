package calendar

import "slices"

// mergeYears applies the year entries of an override file on top of base and
// returns the result; neither argument is modified.
//
// An override year extends the base year rather than replacing it: its
// holidays are added as days off and its make-up days as working days. The
// override wins where the two disagree, so that a deployment can cancel a
// day off or a make-up day. A year missing from base is added as is.
func mergeYears(base, over map[int]*yearData) map[int]*yearData {
	out := make(map[int]*yearData, len(base)+len(over))
	for y, yd := range base {
		out[y] = yd
	}
	for y, o := range over {
		if b, ok := out[y]; ok {
			out[y] = mergeYear(b, o)
		} else {
			out[y] = o
		}
	}
	return out
}

func mergeYear(b, o *yearData) *yearData {
	newOff := make(map[Date]bool)
	for _, h := range o.holidays {
		for _, d := range h.Days {
			newOff[d] = true
		}
	}
	newWork := make(map[Date]bool, len(o.makeup))
	for _, d := range o.makeup {
		newWork[d] = true
	}

	m := &yearData{notice: b.notice, status: b.status}
	if o.notice != "" {
		m.notice = o.notice
	}
	if o.status != "" {
		m.status = o.status
	}

	// Base holidays lose the days the override makes working days; an
	// override holiday of the same name adds its days to the base one.
	for _, h := range b.holidays {
		days := slices.DeleteFunc(slices.Clone(h.Days), func(d Date) bool { return newWork[d] })
		if i := slices.IndexFunc(o.holidays, func(x Holiday) bool { return x.Name == h.Name }); i >= 0 {
			days = sortDates(append(days, o.holidays[i].Days...))
		}
		if len(days) > 0 {
			m.holidays = append(m.holidays, Holiday{Name: h.Name, Days: days})
		}
	}
	for _, h := range o.holidays {
		if !slices.ContainsFunc(b.holidays, func(x Holiday) bool { return x.Name == h.Name }) {
			m.holidays = append(m.holidays, Holiday{Name: h.Name, Days: slices.Clone(h.Days)})
		}
	}

	// Base make-up days lose the days the override makes days off.
	m.makeup = slices.DeleteFunc(slices.Clone(b.makeup), func(d Date) bool { return newOff[d] })
	m.makeup = sortDates(append(m.makeup, o.makeup...))
	return m
}
