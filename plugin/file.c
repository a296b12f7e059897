#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t aot_pread_all(int fd, void *dst, uint64_t len, uint64_t off)
{
	uint64_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)dst + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (uint64_t)n;
	}
	return got;
}

struct aot_err *aot_file_load(const char *path, struct aot_file **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return aot_err_os(errno, "%s: cannot open", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return aot_err_os(e, "%s: cannot stat", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return aot_err_input(path, 0, NULL, "is a directory, not a cache file");
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return aot_err_input(path, 0, NULL, "is not a regular file");
	}
	if ((uint64_t)st.st_size > AOT_FILE_MAX_SIZE) {
		close(fd);
		return aot_err_input(path, 0, NULL, "file size %lld is larger than the %llu bytes we load",
				     (long long)st.st_size, (unsigned long long)AOT_FILE_MAX_SIZE);
	}
	struct aot_file *f = calloc(1, sizeof(*f));
	if (!f) {
		close(fd);
		return &aot_enomem;
	}
	f->path = strdup(path);
	// One extra byte so that an empty file still gets a valid buffer.
	f->data = malloc((size_t)st.st_size + 1);
	if (!f->path || !f->data) {
		close(fd);
		aot_file_destroy(f);
		return &aot_enomem;
	}
	uint64_t got = 0;
	while (got < (uint64_t)st.st_size) {
		ssize_t n = read(fd, f->data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			aot_file_destroy(f);
			return aot_err_os(e, "%s: read failed at offset 0x%llx", path,
					  (unsigned long long)got);
		}
		if (n == 0)
			break;	// the file shrank since fstat: use what is there
		got += (uint64_t)n;
	}
	close(fd);
	f->size = got;
	*ret = f;
	return NULL;
}

struct aot_err *aot_file_from_bytes(const char *name, const void *data, uint64_t len,
				    struct aot_file **ret)
{
	if (len > AOT_FILE_MAX_SIZE)
		return aot_err_input(name, 0, NULL, "size %llu is larger than the %llu bytes we load",
				     (unsigned long long)len, (unsigned long long)AOT_FILE_MAX_SIZE);
	struct aot_file *f = calloc(1, sizeof(*f));
	if (!f)
		return &aot_enomem;
	f->path = strdup(name);
	f->data = malloc((size_t)len + 1);
	if (!f->path || !f->data) {
		aot_file_destroy(f);
		return &aot_enomem;
	}
	if (len)
		memcpy(f->data, data, (size_t)len);
	f->size = len;
	*ret = f;
	return NULL;
}

void aot_file_destroy(struct aot_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->data);
	free(f);
}

struct aot_err *aot_file_span(const struct aot_file *f, uint64_t off, uint64_t len,
			      const char *field, const uint8_t **ret)
{
	if (off > f->size || len > f->size - off)
		return aot_err_input(f->path, off, field,
				     "%llu bytes at this offset extend past the end of the file (size %llu)",
				     (unsigned long long)len, (unsigned long long)f->size);
	*ret = f->data + off;
	return NULL;
}
