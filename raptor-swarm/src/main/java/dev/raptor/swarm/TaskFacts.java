package dev.raptor.swarm;

import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.api.model.TaskStatus;
import dev.raptor.core.runtime.ContainerStatus;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Reads a service's tasks. A server's service has one slot; every start makes a new task in it (the earlier ones
 * stay in the task history, their containers exited), so the server's current run is its newest task.
 */
final class TaskFacts {
    private static final Set<TaskState> FINISHED = Set.of(TaskState.COMPLETE, TaskState.FAILED, TaskState.SHUTDOWN,
            TaskState.REJECTED, TaskState.ORPHANED, TaskState.REMOVE);

    private TaskFacts() {
    }

    /** The newest task, or null when the service never had one. */
    static Task newest(List<Task> tasks) {
        return tasks.stream().max(Comparator.comparing(TaskFacts::createdAt)).orElse(null);
    }

    static Instant createdAt(Task task) {
        try {
            return task.getCreatedAt() == null ? Instant.EPOCH : Instant.parse(task.getCreatedAt());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** The task's container on its node, or null before the node made one. */
    static String containerId(Task task) {
        TaskStatus status = task.getStatus();
        if (status == null || status.getContainerStatus() == null) {
            return null;
        }
        String id = status.getContainerStatus().getContainerID();
        return id == null || id.isBlank() ? null : id;
    }

    static TaskState state(Task task) {
        return task.getStatus() == null || task.getStatus().getState() == null ? TaskState.NEW : task.getStatus().getState();
    }

    /** Ended, or told to end: a start needs a new task. */
    static boolean finished(Task task) {
        // a new task of an update is made with desired state READY and told RUNNING once the old one is down
        return FINISHED.contains(state(task)) || task.getDesiredState() != null && FINISHED.contains(task.getDesiredState());
    }

    /** On its way to run (scheduled, its image and container being prepared): wait for it rather than make another. */
    static boolean starting(Task task) {
        return !finished(task) && state(task) != TaskState.RUNNING;
    }

    /** The container status a task stands for when its node cannot tell (no container yet, or it is gone). */
    static ContainerStatus status(Task task) {
        TaskState state = state(task);
        if (state == TaskState.RUNNING && !finished(task)) {
            return ContainerStatus.RUNNING;
        }
        return FINISHED.contains(state) ? ContainerStatus.EXITED : ContainerStatus.CREATED;
    }

    static Integer exitCode(Task task) {
        TaskStatus status = task.getStatus();
        if (status == null || status.getContainerStatus() == null || status.getContainerStatus().getExitCodeLong() == null) {
            return null;
        }
        return status.getContainerStatus().getExitCodeLong().intValue();
    }

    /** What the swarm says went wrong with the task ({@code Err}, else its message). */
    static String problem(Task task) {
        TaskStatus status = task.getStatus();
        if (status == null) {
            return "no status";
        }
        if (status.getErr() != null && !status.getErr().isBlank()) {
            return status.getErr();
        }
        return status.getMessage() == null ? state(task).name().toLowerCase() : status.getMessage();
    }
}
