/** placeholder */
package dev.raptor.sftp;
