#!/bin/bash
# Every test class registered with CRADLE_REGISTER_TEST in tests/core, tests/widgets and tests/app is a CTest test
# (tests/CMakeLists.txt's CLASSES), so that none is compiled and never run: issue 31 found four such classes. The
# helpers below are run by other tests or by bench/, not on their own.
#   check_registered_tests.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
helpers=" widgets.WizardScreenshots widgets.RatingWalkthrough widgets.RatingCrashChild widgets.StudioWalk widgets.DashboardScreenshot "
listed=$(ctest --test-dir "$build_dir" -N)
missing=0
for folder in core widgets app; do
  for class in $(grep -ho 'CRADLE_REGISTER_TEST([A-Za-z0-9_]*)' "$source_dir/tests/$folder/"*.cpp | sed 's/.*(//; s/)//'); do
    name="$folder.$class"
    [[ "$helpers" == *" $name "* ]] && continue
    if ! grep -qE "Test +#[0-9]+: ${name//./\\.}(\\.|\$)" <<< "$listed"; then
      echo "not run by CTest: $name (registered in tests/$folder; add it to that suite's CLASSES in tests/CMakeLists.txt)"
      missing=1
    fi
  done
done
[[ $missing == 0 ]] && echo "every registered test class is a CTest test"
exit $missing
