# Installs the Python tools TOOLS into DEST with their interpreter line set to PYTHON.  The
# source tree uses #!/usr/bin/python3 (Debian's Python, the one python3-numpy, -h5py and
# -matplotlib are for; "env python3" may find another Python without them); a cluster build
# sets -DUPHILL_PYTHON to a Python that has them.  Run by install(CODE) at install time.
foreach(tool ${TOOLS})
  get_filename_component(name ${tool} NAME)
  file(READ ${tool} text)
  string(REGEX REPLACE "^#![^\n]*" "#!${PYTHON}" text "${text}")
  file(WRITE ${STAGE}/${name} "${text}")
  file(INSTALL ${STAGE}/${name} DESTINATION ${DEST}
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
