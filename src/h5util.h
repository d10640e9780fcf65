/* Plain-HDF5 readers shared by the checkpoint and field-file code (private to the library):
   each returns 1 on success and 0 when the file or attribute is missing or unreadable. */
#ifndef UPHILL_H5UTIL_H
#define UPHILL_H5UTIL_H
#include <petscsys.h>
#include <hdf5.h>

/* Read-only, one reader: no flock (it fails on some parallel file systems). */
static inline hid_t H5UtilOpenRead(const char *path)
{
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f;
#if H5_VERSION_GE(1, 10, 7)
  H5Pset_file_locking(fapl, 0, 1);
#endif
  f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  return f;
}

/* A scalar root attribute read as the memory type mem into buf. */
static inline int H5UtilAttrRead(hid_t f, const char *name, hid_t mem, void *buf)
{
  hid_t a = H5Aopen(f, name, H5P_DEFAULT), space;
  int   ok;
  if (a < 0) return 0;
  space = H5Aget_space(a); /* one value: H5Aread of more would overrun buf */
  ok    = space >= 0 && H5Sget_simple_extent_npoints(space) == 1 && H5Aread(a, mem, buf) >= 0;
  if (space >= 0) H5Sclose(space);
  H5Aclose(a);
  return ok;
}

static inline int H5UtilAttrReal(hid_t f, const char *name, PetscReal *v)
{
  double d  = 0;
  int    ok = H5UtilAttrRead(f, name, H5T_NATIVE_DOUBLE, &d);
  if (ok) *v = (PetscReal)d;
  return ok;
}

static inline int H5UtilAttrInt(hid_t f, const char *name, PetscInt *v)
{
  long long n  = 0;
  int       ok = H5UtilAttrRead(f, name, H5T_NATIVE_LLONG, &n);
  if (ok) *v = (PetscInt)n;
  return ok;
}

/* A fixed-length string attribute of object obj (e.g. "/"), NUL-terminated into s[len]. */
static inline int H5UtilAttrString(hid_t f, const char *obj, const char *name, char *s, size_t len)
{
  hid_t  a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT), type, mem, space;
  size_t size;
  int    ok = 0;
  s[0]      = 0;
  if (a < 0) return 0;
  type  = H5Aget_type(a); /* every handle checked: a corrupt file makes any of them fail */
  space = H5Aget_space(a);
  if (type >= 0 && space >= 0 && H5Sget_simple_extent_npoints(space) == 1 && H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) == 0 && (size = H5Tget_size(type)) > 0 && size < len && (mem = H5Tcopy(H5T_C_S1)) >= 0) {
    ok      = H5Tset_size(mem, size) >= 0 && H5Aread(a, mem, s) >= 0;
    s[size] = 0;
    if (!ok) s[0] = 0;
    H5Tclose(mem);
  }
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  H5Aclose(a);
  return ok;
}
#endif
