# Run by the build (app/cli/CMakeLists.txt): ENGINE is noisefloor-engine, OUT the folder to fill.
# OUT/man1/*.1.gz: `noisefloor-cli man-pages`, compressed as Debian installs man pages;
# OUT/noisefloor-cli.bash: `noisefloor-cli completion bash`; OUT/stamp when both are complete.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT}/man1)
execute_process(COMMAND ${ENGINE} man-pages ${OUT}/man1 OUTPUT_QUIET RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "noisefloor-engine man-pages failed (${failed})")
endif()
execute_process(COMMAND ${ENGINE} completion bash OUTPUT_FILE ${OUT}/noisefloor-cli.bash RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "noisefloor-engine completion bash failed (${failed})")
endif()
file(GLOB pages ${OUT}/man1/*.1)
# -n: no name or time stamp inside, so the same pages make the same package.
execute_process(COMMAND gzip -9nf ${pages} RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "gzip of the man pages failed (${failed})")
endif()
file(TOUCH ${OUT}/stamp)
