# cmake -DEXPECTED=expected.csv -DLAYERS=layers.csv -DWORK_DIR=.. -P compare_golden_selftest.cmake
# The host-side comparison must accept firmware output equal to the host's and, when one
# image's logits or one layer differ, fail and name that image and that layer. Runs without
# QEMU on console text written from the golden files themselves.
if(DEFINED OUTPUT_FILE)  # child mode: compare one console text
    file(READ ${OUTPUT_FILE} firmware_output)
    include(${CMAKE_CURRENT_LIST_DIR}/compare_golden.cmake)
    return()
endif()

file(MAKE_DIRECTORY ${WORK_DIR})
file(STRINGS ${EXPECTED} rows)
list(POP_FRONT rows)
set(console "")
set(count 0)
foreach(row IN LISTS rows)
    if(row MATCHES "^([0-9]+),([0-9]+),([0-9]+),(0x[0-9a-f]+),")
        string(APPEND console "image ${CMAKE_MATCH_1} label ${CMAKE_MATCH_2} predicted ${CMAKE_MATCH_3} checksum ${CMAKE_MATCH_4} ok\n")
        math(EXPR count "${count} + 1")
    endif()
endforeach()
set(layer_console "")
file(STRINGS ${LAYERS} rows)
list(POP_FRONT rows)
foreach(row IN LISTS rows)
    if(row MATCHES "^([0-9]+),([0-9]+),([^,]+),([0-9]+),(0x[0-9a-f]+)$")
        string(APPEND layer_console "layer image ${CMAKE_MATCH_1} op ${CMAKE_MATCH_2} tensor ${CMAKE_MATCH_3} bytes ${CMAKE_MATCH_4} checksum ${CMAKE_MATCH_5} ok\n")
    endif()
endforeach()

function(compare name text expect_pass expect_text)
    file(WRITE ${WORK_DIR}/${name}.txt "${text}")
    execute_process(COMMAND ${CMAKE_COMMAND} -DOUTPUT_FILE=${WORK_DIR}/${name}.txt -DEXPECTED=${EXPECTED}
                            -DLAYERS=${LAYERS} -P ${CMAKE_CURRENT_FUNCTION_LIST_FILE}
                    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    string(REGEX REPLACE "[ \n]+" " " said "${out}${err}")
    if(expect_pass AND NOT status EQUAL 0)
        message(FATAL_ERROR "${name}: rejected output equal to the host's: ${said}")
    elseif(NOT expect_pass AND status EQUAL 0)
        message(FATAL_ERROR "${name}: accepted output that differs from the host's")
    endif()
    string(FIND "${said}" "${expect_text}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${name}: expected the comparison to say '${expect_text}', it said: ${said}")
    endif()
    message(STATUS "${name}: ok")
endfunction()

compare(equal "${layer_console}${console}" TRUE "all ${count} logit checksums equal")

# Image 3's checksum and image 0's third layer changed (any value that differs will do).
string(REGEX REPLACE "(image 3 label [0-9]+ predicted [0-9]+ checksum )0x[0-9a-f]+" "\\10xdeadbeef" bad_image "${console}")
compare(one_image "${layer_console}${bad_image}" FALSE "first differing image: image 3: firmware 0xdeadbeef")
string(REGEX REPLACE "(layer image 0 op 2 tensor [^ ]+ bytes [0-9]+ checksum )0x[0-9a-f]+" "\\10xdeadbeef" bad_layer "${layer_console}")
compare(one_layer "${bad_layer}${bad_image}" FALSE "first differing layer: image 0 op 2")

# Missing images are a failure too (a firmware that stopped early).
string(REGEX REPLACE "image 5 [^\n]*\n" "" missing "${console}")
compare(missing_image "${layer_console}${missing}" FALSE "image checksums, the host has ${count}")

# A banded layer (never whole on the board) is skipped when its tensor and size match the
# host's, and named as the first differing layer when they do not.
string(REGEX REPLACE "(layer image 0 op 0 tensor [^ ]+ bytes [0-9]+) checksum 0x[0-9a-f]+ ok" "\\1 banded, never whole" banded "${layer_console}")
compare(banded_layer "${banded}${console}" TRUE "all ${count} logit checksums equal")
string(REGEX REPLACE "layer image 0 op 0 tensor [^ ]+ (bytes [0-9]+) checksum 0x[0-9a-f]+ ok" "layer image 0 op 0 tensor other \\1 banded, never whole" wrong_banded "${layer_console}")
compare(banded_wrong_tensor "${wrong_banded}${console}" FALSE "first differing layer: image 0 op 0")
