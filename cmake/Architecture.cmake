include_guard(GLOBAL)
# The dependency rules of docs/architecture.md, checked on the link graph CMake built.
#
# tinydigit_check_architecture(ROOT <dir>)
#   Call once, after every add_subdirectory(). Each target defined under <dir> belongs to the
#   part its folder names (the table below; a target may override it with the property
#   TINYDIGIT_PART). For every target of a part, the first parts reached through its
#   LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES (walking through targets of no part, such as
#   tests or imported helpers) must be ones the rules allow; configure fails otherwise,
#   naming the offending link. tests/architecture proves it rejects a forbidden link.

# Folder (relative to ROOT, longest prefix wins) -> part. Folders not listed (tests,
# benchmarks, fuzz) are not parts: they may link anything, and links through them count.
set(TINYDIGIT_PART_FOLDERS
    "schema=schema"
    "engine=engine"
    "dataset=host_support"
    "common=host_support"
    "trainer/support=host_support"
    "trainer=trainer"
    "tools=tools"
    "firmware_demo=firmware")
# Imported targets that are parts of their own.
set(TINYDIGIT_PART_IMPORTED "DNNL::dnnl=onednn")

# Part -> parts it may link directly (itself always). Why: docs/architecture.md.
set(TINYDIGIT_PART_MAY_LINK_schema "")
set(TINYDIGIT_PART_MAY_LINK_engine "schema")
set(TINYDIGIT_PART_MAY_LINK_host_support "schema")
set(TINYDIGIT_PART_MAY_LINK_trainer "schema;host_support;onednn")
set(TINYDIGIT_PART_MAY_LINK_tools "engine;trainer;schema;host_support")
# The demo still reads the schema beside the engine (its layer table); engine/ will hand out
# a view of what it verified instead.
set(TINYDIGIT_PART_MAY_LINK_firmware "engine;schema")
set(TINYDIGIT_PART_MAY_LINK_onednn "")

function(_tinydigit_targets_under dir out)
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    get_property(imported DIRECTORY ${dir} PROPERTY IMPORTED_TARGETS)
    get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
    foreach(sub IN LISTS subdirs)
        _tinydigit_targets_under(${sub} sub_targets)
        list(APPEND targets ${sub_targets})
    endforeach()
    # Imported targets local to a folder (find_package's) are not visible here; the ones that
    # are parts (TINYDIGIT_PART_IMPORTED) are GLOBAL.
    foreach(target IN LISTS imported)
        if(TARGET ${target})
            list(APPEND targets ${target})
        endif()
    endforeach()
    set(${out} ${targets} PARENT_SCOPE)
endfunction()

# The part of `target` ("" when it belongs to none).
function(_tinydigit_part_of root target out)
    set(part "")
    get_target_property(aliased ${target} ALIASED_TARGET)
    if(aliased)
        set(target ${aliased})
    endif()
    get_target_property(explicit ${target} TINYDIGIT_PART)
    get_target_property(is_imported ${target} IMPORTED)
    if(explicit)
        set(part ${explicit})
    elseif(is_imported)
        foreach(entry IN LISTS TINYDIGIT_PART_IMPORTED)
            string(REPLACE "=" ";" pair ${entry})
            list(GET pair 0 name)
            if(name STREQUAL target)
                list(GET pair 1 part)
            endif()
        endforeach()
    else()
        get_target_property(source_dir ${target} SOURCE_DIR)
        file(RELATIVE_PATH rel ${root} ${source_dir})
        set(best_length -1)
        foreach(entry IN LISTS TINYDIGIT_PART_FOLDERS)
            string(REPLACE "=" ";" pair ${entry})
            list(GET pair 0 folder)
            string(LENGTH "${folder}" length)
            if((rel STREQUAL folder OR rel MATCHES "^${folder}/") AND length GREATER best_length)
                list(GET pair 1 part)
                set(best_length ${length})
            endif()
        endforeach()
    endif()
    set(${out} "${part}" PARENT_SCOPE)
endfunction()

# Targets `target` links directly (aliases resolved; plain library names and flags dropped).
function(_tinydigit_direct_links target out)
    get_target_property(aliased ${target} ALIASED_TARGET)
    if(aliased)
        set(target ${aliased})
    endif()
    set(links "")
    get_target_property(imported ${target} IMPORTED)
    get_target_property(type ${target} TYPE)
    set(properties INTERFACE_LINK_LIBRARIES)
    if(NOT imported AND NOT type STREQUAL "INTERFACE_LIBRARY")
        list(APPEND properties LINK_LIBRARIES)
    endif()
    foreach(property IN LISTS properties)
        get_target_property(items ${target} ${property})
        foreach(item IN LISTS items)
            # $<LINK_ONLY:x> is how CMake records a static library's private links.
            string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
            if(TARGET "${item}")
                get_target_property(item_aliased ${item} ALIASED_TARGET)
                if(item_aliased)
                    set(item ${item_aliased})
                endif()
                list(APPEND links ${item})
            endif()
        endforeach()
    endforeach()
    list(REMOVE_DUPLICATES links)
    set(${out} "${links}" PARENT_SCOPE)
endfunction()

function(tinydigit_check_architecture)
    cmake_parse_arguments(ARG "" "ROOT" "" ${ARGN})
    _tinydigit_targets_under(${CMAKE_SOURCE_DIR} targets)
    set(violations "")
    foreach(target IN LISTS targets)
        _tinydigit_part_of(${ARG_ROOT} ${target} part)
        if(part STREQUAL "")
            continue()
        endif()
        if(NOT DEFINED TINYDIGIT_PART_MAY_LINK_${part})
            message(FATAL_ERROR "architecture: ${target} is in part '${part}', which has no rules")
        endif()
        set(allowed ${part} ${TINYDIGIT_PART_MAY_LINK_${part}})
        # Breadth-first through targets of no part, stopping at the first part on each path.
        _tinydigit_direct_links(${target} queue)
        set(seen ${target})
        set(via_${target} "")
        foreach(link IN LISTS queue)
            set(via_${link} "")
        endforeach()
        while(queue)
            list(POP_FRONT queue next)
            if(next IN_LIST seen)
                continue()
            endif()
            list(APPEND seen ${next})
            _tinydigit_part_of(${ARG_ROOT} ${next} next_part)
            if(next_part STREQUAL "")
                _tinydigit_direct_links(${next} further)
                foreach(link IN LISTS further)
                    if(NOT DEFINED via_${link})
                        set(via_${link} "${via_${next}} ${next} ->")
                    endif()
                endforeach()
                list(APPEND queue ${further})
            elseif(NOT next_part IN_LIST allowed)
                string(APPEND violations "\n  ${target} (${part}) ->${via_${next}} ${next} (${next_part})")
            endif()
        endwhile()
        foreach(link IN LISTS seen)
            unset(via_${link})
        endforeach()
    endforeach()
    if(violations)
        message(FATAL_ERROR "architecture: links the rules of docs/architecture.md forbid:${violations}")
    endif()
endfunction()
