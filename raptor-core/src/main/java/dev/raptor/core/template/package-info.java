/**
 * Templates: what a server of a given game is made of, imported from Pterodactyl/Pelican eggs
 * ({@link dev.raptor.core.template.Template}): images, startup command, stop and ready rules, install script
 * and variables with their rules ({@link dev.raptor.core.template.VariableRules}, checked by
 * {@link dev.raptor.core.template.TemplateVariables}). The catalog port is
 * {@link dev.raptor.core.template.TemplateCatalog} (the store implements it); reading an egg's JSON is
 * {@code raptor-wire}'s {@code EggReader}.
 */
package dev.raptor.core.template;
