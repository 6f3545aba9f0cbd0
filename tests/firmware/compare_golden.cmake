# Included by RunFirmware.cmake (CHECK) with the demo's console text in `firmware_output`,
# EXPECTED = tests/golden/<arch>/expected.csv and LAYERS = tests/golden/<arch>/layers.csv:
# the host engine's output for the same digits. Every image's logit checksum printed by the
# firmware must equal the host's; a mismatch names the first differing image and, from the
# per-layer checksums of the reference images, the first differing layer. A layer the firmware
# reports as banded (never whole in its arena) is skipped, its tensor name and size checked.

file(STRINGS ${EXPECTED} expected_rows)
list(POP_FRONT expected_rows)  # header
set(expected_count 0)
foreach(row IN LISTS expected_rows)
    if(row MATCHES "^([0-9]+),([0-9]+),([0-9]+),(0x[0-9a-f]+),")
        set(expected_${CMAKE_MATCH_1} ${CMAKE_MATCH_4})
        math(EXPR expected_count "${expected_count} + 1")
    endif()
endforeach()

string(REPLACE "\n" ";" lines "${firmware_output}")
set(seen 0)
set(first_image "")
set(first_layer "")
foreach(line IN LISTS lines)
    if(line MATCHES "^image ([0-9]+) label [0-9]+ predicted -?[0-9]+ checksum (0x[0-9a-f]+)")
        set(image ${CMAKE_MATCH_1})
        set(checksum ${CMAKE_MATCH_2})
        math(EXPR seen "${seen} + 1")
        if(NOT DEFINED expected_${image})
            message(FATAL_ERROR "firmware printed image ${image}, which ${EXPECTED} does not have")
        endif()
        if(NOT checksum STREQUAL expected_${image} AND first_image STREQUAL "")
            set(first_image "image ${image}: firmware ${checksum}, host ${expected_${image}}")
        endif()
    elseif(line MATCHES "^layer image ([0-9]+) op ([0-9]+) tensor ([^ ]+) bytes ([0-9]+) checksum (0x[0-9a-f]+)")
        set(layer_${CMAKE_MATCH_1}_${CMAKE_MATCH_2} "${CMAKE_MATCH_3};${CMAKE_MATCH_4};${CMAKE_MATCH_5}")
    elseif(line MATCHES "^layer image ([0-9]+) op ([0-9]+) tensor ([^ ]+) bytes ([0-9]+) banded")
        # A banded chain's window: the tensor never exists whole on the board (the next op's
        # output, checked, is computed from it).
        set(layer_${CMAKE_MATCH_1}_${CMAKE_MATCH_2} "${CMAKE_MATCH_3};${CMAKE_MATCH_4};banded")
    endif()
endforeach()

if(EXISTS ${LAYERS})
    file(STRINGS ${LAYERS} layer_rows)
    list(POP_FRONT layer_rows)
    foreach(row IN LISTS layer_rows)
        if(row MATCHES "^([0-9]+),([0-9]+),([^,]+),([0-9]+),(0x[0-9a-f]+)$")
            set(key ${CMAKE_MATCH_1}_${CMAKE_MATCH_2})
            set(where "image ${CMAKE_MATCH_1} op ${CMAKE_MATCH_2} (${CMAKE_MATCH_3})")
            set(host "${CMAKE_MATCH_3};${CMAKE_MATCH_4};${CMAKE_MATCH_5}")
            if(NOT DEFINED layer_${key})
                set(got "missing")
            else()
                set(got "${layer_${key}}")
            endif()
            if(got STREQUAL "${CMAKE_MATCH_3};${CMAKE_MATCH_4};banded")
                continue()
            endif()
            if(NOT got STREQUAL host AND first_layer STREQUAL "")
                set(first_layer "${where}: firmware ${got}, host ${host} (tensor;bytes;checksum)")
            endif()
        endif()
    endforeach()
endif()

if(NOT seen EQUAL expected_count)
    message(FATAL_ERROR "firmware printed ${seen} image checksums, the host has ${expected_count}")
endif()
if(NOT first_image STREQUAL "" OR NOT first_layer STREQUAL "")
    if(first_layer STREQUAL "")
        set(first_layer "none among the per-layer reference images")
    endif()
    message(FATAL_ERROR "firmware differs from the host engine\n"
                        "  first differing image: ${first_image}\n"
                        "  first differing layer: ${first_layer}")
endif()
message(STATUS "all ${seen} logit checksums equal the host engine's")
