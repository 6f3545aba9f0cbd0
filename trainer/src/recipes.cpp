#include "tinydigit/trainer/recipes.hpp"

namespace tinydigit::trainer {

std::optional<NamedRecipe> recipe_by_name(std::string_view name) {
    static constexpr NamedRecipe kRecipes[] = {
        {"fast", 12, 128, 3e-3f, Schedule::kOneCycle, 0.1f, 0.998f, true},
        {"full", 40, 128, 3e-3f, Schedule::kOneCycle, 0.1f, 0.998f, true},
    };
    for (const NamedRecipe& r : kRecipes)
        if (r.name == name) return r;
    return std::nullopt;
}

}  // namespace tinydigit::trainer
