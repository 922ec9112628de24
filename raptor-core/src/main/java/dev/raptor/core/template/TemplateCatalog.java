package dev.raptor.core.template;

import java.util.List;
import java.util.Optional;

/**
 * The node's templates, durably kept (the store implements it). Every method returns after its change is
 * committed. Thread-safe.
 */
public interface TemplateCatalog {

    /**
     * Keeps {@code template}.
     *
     * @param replace whether an existing template of the same id is replaced
     * @throws TemplateExistsException when one exists and {@code replace} is false
     */
    Template save(Template template, boolean replace);

    Optional<Template> find(String id);

    /** Every template, by id. */
    List<Template> list();

    /**
     * Forgets the template. Servers made from it keep what they were given (their spec and install script).
     *
     * @throws TemplateNotFoundException when there is none of that id
     */
    void delete(String id);
}
