#[=======================================================================[.rst:
LLMBench
--------

Turns llmbench scenario files into CTest tests: one test per scenario × engine × prompt
class, named ``scenario/engine/class``.

.. code-block:: cmake

  llmbench_add_scenarios(
    [DIR <dir>...] [FILES <file>...] [RECURSE] [SPLIT_LEVELS]
    [LABELS <label>...] [FILTER <re2-regex>] [SHARDS <n>]
    [REPORTS_DIR <dir>] [BASELINES_DIR <dir>] [KEEP_RUNS <n>] [LLMBENCH <target-or-path>])

``DIR``/``FILES``
  Scenario files, or directories whose ``*.toml`` files are scenarios (``RECURSE``: and
  their subdirectories').
``LABELS``
  Extra labels on every test. Each test is also labelled ``llmbench``, its scenario, engine
  and class, the file's own labels, and ``shard<k>of<SHARDS>`` (default 4; a hash of the test
  name, so it never changes when files come and go): run one shard with
  ``ctest -L '^shard2of4$'``.
``SPLIT_LEVELS``
  One test per level of each case with several, ``scenario/engine/class@<level>`` (``c8``,
  ``r10``, ``sweep``, ``search``), labelled ``level:<level>`` and sharded on its own, so that
  one long case spreads over CI jobs. Each compares its levels with the case's baseline (the
  case's family-wise error level kept), and ``llmbench report`` merges them back into one case.
``FILTER``
  Only cases whose id matches this RE2 regular expression.
``REPORTS_DIR``/``BASELINES_DIR``
  Where per-case results and the merged reports go (default ``<source>/reports``) and where
  baselines are read (default ``<source>/baselines``).
``KEEP_RUNS``
  Each ctest invocation writes into a folder of its own, ``REPORTS_DIR/runs/<UTC time>-<id>/``
  (``REPORTS_DIR/latest`` points at the newest); with ``KEEP_RUNS n`` only the newest n are
  kept (default: every run, unless the environment sets ``LLMBENCH_KEEP_RUNS``).
``LLMBENCH``
  The llmbench executable: a target (default ``llmbench`` or ``llmbench::llmbench``) or a
  path.

Discovery runs on every ``ctest`` invocation (a script registered in the directory's
``TEST_INCLUDE_FILES`` runs ``llmbench list --ctest``): adding, removing or editing a TOML
file changes the test list with no re-configure and no build. A file that does not load
becomes one failing test, ``<file-stem>/invalid-scenario``, that prints its errors.

Each test gets ``RESOURCE_LOCK`` on its engine (two tests never load one engine at once),
``SKIP_RETURN_CODE 77`` (an optional engine that is unreachable is skipped), a ``TIMEOUT``
derived from the scenario, and the fixture ``llmbench_reports``: the test
``llmbench/prepare`` makes the run's folder first (``llmbench runs new``; nothing of an earlier
run is deleted), and ``llmbench/report`` merges the per-case results of ``REPORTS_DIR/latest/cases/``
into ``junit.xml``, ``summary.md`` and ``index.html`` in the run's folder and in ``REPORTS_DIR``
after the last one, and adds the run's summaries to ``REPORTS_DIR/history.sqlite``
(``llmbench history show <case>`` draws a metric's trend).
#]=======================================================================]

include_guard(GLOBAL)

function(llmbench_add_scenarios)
  cmake_parse_arguments(PARSE_ARGV 0 arg "RECURSE;SPLIT_LEVELS" "FILTER;SHARDS;REPORTS_DIR;BASELINES_DIR;LLMBENCH;KEEP_RUNS"
                        "DIR;FILES;LABELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "llmbench_add_scenarios: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_DIR AND NOT arg_FILES)
    message(FATAL_ERROR "llmbench_add_scenarios: give DIR and/or FILES")
  endif()
  if(NOT arg_SHARDS)
    set(arg_SHARDS 4)
  endif()
  if(NOT arg_REPORTS_DIR)
    set(arg_REPORTS_DIR "${CMAKE_CURRENT_SOURCE_DIR}/reports")
  endif()
  if(NOT arg_BASELINES_DIR)
    set(arg_BASELINES_DIR "${CMAKE_CURRENT_SOURCE_DIR}/baselines")
  endif()
  if(NOT arg_LLMBENCH)
    if(TARGET llmbench)
      set(arg_LLMBENCH llmbench)
    elseif(TARGET llmbench::llmbench)
      set(arg_LLMBENCH llmbench::llmbench)
    else()
      find_program(arg_LLMBENCH llmbench REQUIRED)
    endif()
  endif()
  if(TARGET ${arg_LLMBENCH})
    set(exe "$<TARGET_FILE:${arg_LLMBENCH}>")
  else()
    set(exe "${arg_LLMBENCH}")
  endif()
  get_filename_component(reports "${arg_REPORTS_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(baselines "${arg_BASELINES_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")

  set(paths "")
  foreach(p IN LISTS arg_DIR arg_FILES)
    get_filename_component(p "${p}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND paths "${p}")
  endforeach()
  set(list_args list --ctest --llmbench "${exe}" --reports "${reports}" --baselines "${baselines}"
      --shards "${arg_SHARDS}")
  if(arg_RECURSE)
    list(APPEND list_args --recurse)
  endif()
  if(arg_SPLIT_LEVELS)
    list(APPEND list_args --split-levels)
  endif()
  if(arg_FILTER)
    list(APPEND list_args --filter "${arg_FILTER}")
  endif()
  foreach(label IN LISTS arg_LABELS)
    list(APPEND list_args --label "${label}")
  endforeach()

  # One discovery script per call, run by ctest on every invocation.
  get_property(count DIRECTORY PROPERTY LLMBENCH_SCENARIO_SETS)
  if(NOT count)
    set(count 0)
  endif()
  math(EXPR count "${count} + 1")
  set_property(DIRECTORY PROPERTY LLMBENCH_SCENARIO_SETS ${count})
  set(script "${CMAKE_CURRENT_BINARY_DIR}/llmbench_scenarios_${count}.cmake")
  set(tests_file "${CMAKE_CURRENT_BINARY_DIR}/llmbench_scenarios_${count}_tests.cmake")
  string(REPLACE ";" "]==] [==[" quoted_args "${list_args};${paths}")
  file(GENERATE OUTPUT "${script}" CONTENT
"# Generated by llmbench_add_scenarios(): discovers llmbench tests on every ctest run.
if(NOT EXISTS [==[${exe}]==])
  add_test(llmbench/discovery-${count} [==[${CMAKE_COMMAND}]==] -E echo
           \"llmbench is not built yet: build the project, then run ctest\")
  set_tests_properties(llmbench/discovery-${count} PROPERTIES WILL_FAIL TRUE LABELS llmbench)
  return()
endif()
execute_process(COMMAND [==[${exe}]==] [==[${quoted_args}]==]
                OUTPUT_FILE [==[${tests_file}]==] ERROR_VARIABLE llmbench_error RESULT_VARIABLE llmbench_result)
if(llmbench_result EQUAL 0)
  include([==[${tests_file}]==])
else()
  add_test(llmbench/discovery-${count} [==[${CMAKE_COMMAND}]==] -E echo \"\${llmbench_error}\")
  set_tests_properties(llmbench/discovery-${count} PROPERTIES WILL_FAIL TRUE LABELS llmbench)
endif()
")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")

  # The fixture around every case test: a run folder of its own, then the merged reports.
  set(keep "")
  if(arg_KEEP_RUNS)
    set(keep --keep ${arg_KEEP_RUNS})
  endif()
  if(NOT TEST llmbench/prepare)
    add_test(NAME llmbench/prepare COMMAND ${exe} runs new "${reports}" ${keep})
    set_tests_properties(llmbench/prepare PROPERTIES FIXTURES_SETUP llmbench_reports LABELS llmbench)
    add_test(NAME llmbench/report COMMAND ${exe} report "${reports}/latest/cases" --out "${reports}/latest"
             --also "${reports}" --history "${reports}/history.sqlite")
    set_tests_properties(llmbench/report PROPERTIES FIXTURES_CLEANUP llmbench_reports LABELS llmbench)
  endif()
endfunction()
