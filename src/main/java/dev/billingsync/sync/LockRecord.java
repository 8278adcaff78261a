package dev.billingsync.sync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDateTime;
import org.hibernate.annotations.Immutable;

/**
 * A row of ShedLock's {@code shedlock} table, read only: ShedLock writes it, we only check who holds a lock. Its times
 * are UTC without a zone, as ShedLock's PostgreSQL layout has them.
 */
@Entity
@Immutable
@Table(name = "shedlock")
class LockRecord {

    @Id
    private String name;

    @Column(name = "lock_until", nullable = false)
    private LocalDateTime lockUntil;

    @Column(name = "locked_at", nullable = false)
    private LocalDateTime lockedAt;

    @Column(name = "locked_by", nullable = false)
    private String lockedBy;

    protected LockRecord() {}
}
